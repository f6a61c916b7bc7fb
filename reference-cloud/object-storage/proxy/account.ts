/**
 * The account controller: HEAD/GET (counters, metadata, the container listing) and POST
 * (metadata). Accounts are auto-created on the first write (account_autocreate); until then a
 * read answers Swift's fake listing (HEAD 200 with X-Put-Timestamp, plain GET 204, JSON `[]`).
 * `X-Account-Access-Control` (account ACLs) is silently dropped, as under keystoneauth.
 */
import type { SwiftContext, SwiftRequest, SwiftResponse } from '../context';
import { empty } from '../responses';
import type { AccountRow, ObjectStore } from '../store';
import type { Controller } from './app';
import { authorize, dropOwnerHeaders, hideOwnerHeaders } from './common';
import { listingFormat, listingHead, listingResponse, listQuery } from './listing';
import { checkMetadata, metaChange, metaHeaders } from './metadata';

export function accountController(ctx: SwiftContext, objects: ObjectStore): Controller {
  const s = ctx.settings;

  const nameError = (req: SwiftRequest): SwiftResponse | undefined => {
    const len = Buffer.byteLength(req.parts!.account, 'utf8');
    if (len > s.maxAccountNameLength) {
      return { status: 400, headers: { 'Content-Type': 'text/plain' }, body: `Account name length of ${len} longer than ${s.maxAccountNameLength}` };
    }
    return undefined;
  };

  const accountHeaders = (a: AccountRow): Record<string, string> => {
    const h: Record<string, string> = {
      'X-Account-Container-Count': String(a.containerCount),
      'X-Account-Object-Count': String(a.objectCount),
      'X-Account-Bytes-Used': String(a.bytesUsed),
      'X-Timestamp': a.createdAt,
    };
    for (const p of objects.policyStats(a.name)) {
      h[`X-Account-Storage-Policy-${p.policy}-Container-Count`] = String(p.containers);
      h[`X-Account-Storage-Policy-${p.policy}-Object-Count`] = String(p.objects);
      h[`X-Account-Storage-Policy-${p.policy}-Bytes-Used`] = String(p.bytes);
    }
    Object.assign(h, metaHeaders('account', a.meta, a.sysmeta));
    h['Accept-Ranges'] = 'bytes';
    return h;
  };

  const getOrHead = async (req: SwiftRequest): Promise<SwiftResponse> => {
    const fmt = listingFormat(req);
    if ('status' in fmt) return fmt;
    const denied = authorize(req);
    if (denied) return denied;
    const name = req.parts!.account;
    const q = listQuery(req, s.accountListingLimit, false);
    if ('status' in q) return q;
    const a = objects.accountRow(name);
    if (!a) {
      // The fake listing of an account not created yet.
      const ts = objects.timestamp(req.receivedAt);
      const headers = {
        'X-Account-Container-Count': '0', 'X-Account-Object-Count': '0', 'X-Account-Bytes-Used': '0',
        'X-Timestamp': ts, 'X-Put-Timestamp': ts,
      };
      // HEAD asks the account server for JSON: the fake listing's `[]` makes it a 200.
      if (req.method === 'HEAD') return listingHead(fmt, headers, 200);
      return listingResponse(req, fmt, 'account', name, [], headers);
    }
    const headers = hideOwnerHeaders(req, accountHeaders(a));
    if (req.method === 'HEAD') return listingHead(fmt, headers, 204);
    return listingResponse(req, fmt, 'account', name, objects.listContainers(name, q), headers);
  };

  return {
    HEAD: getOrHead,
    GET: getOrHead,
    async POST(req) {
      const denied = authorize(req);
      if (denied) return denied;
      const bad = nameError(req) ?? checkMetadata(req.headers, 'account', s);
      if (bad) return bad;
      dropOwnerHeaders(req);
      const change = metaChange(req.headers, 'account');
      const ts = objects.timestamp(req.receivedAt);
      objects.postAccount(req.parts!.account, ts, change, accountSysmetaOnCreate(req));
      return empty(204);
    },
  };
}

/** The account sysmeta a request carries for an auto-created account (keystoneauth's project domain). */
export function accountSysmetaOnCreate(req: SwiftRequest): Record<string, string> {
  const prefix = 'x-account-sysmeta-';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}
