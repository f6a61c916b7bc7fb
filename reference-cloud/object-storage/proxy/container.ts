/**
 * The container controller: PUT (201 new, 202 with swob's Accepted page when it exists), HEAD
 * and GET (counters, metadata, ACLs for owners, the object listing), POST (metadata and ACLs,
 * 204) and DELETE (204, 409 while it holds objects). Listings and reads are judged by the read
 * ACL; PUT, POST and DELETE belong to the account's owner.
 */
import type { SwiftContext, SwiftRequest, SwiftResponse } from '../context';
import { empty, lastModified, sentence, swobPage } from '../responses';
import type { AclChange, ContainerRow, ObjectStore } from '../store';
import { AclError, cleanAcl } from './acl';
import { accountSysmetaOnCreate } from './account';
import type { Controller } from './app';
import { authorize, dropOwnerHeaders, hideOwnerHeaders } from './common';
import { listingFormat, listingHead, listingResponse, listQuery } from './listing';
import { checkMetadata, metaChange, metaHeaders } from './metadata';

export function containerController(ctx: SwiftContext, objects: ObjectStore): Controller {
  const s = ctx.settings;

  const headers = (c: ContainerRow): Record<string, string> => {
    const h: Record<string, string> = {
      'X-Container-Object-Count': String(c.objectCount),
      'X-Container-Bytes-Used': String(c.bytesUsed),
      'X-Timestamp': c.createdAt,
    };
    if (c.acls.read !== undefined) h['X-Container-Read'] = c.acls.read;
    if (c.acls.write !== undefined) h['X-Container-Write'] = c.acls.write;
    Object.assign(h, metaHeaders('container', c.meta, c.sysmeta));
    h['Last-Modified'] = lastModified(c.putTimestamp);
    h['Accept-Ranges'] = 'bytes';
    h['X-Storage-Policy'] = c.storagePolicy;
    return h;
  };

  /** clean_acls: the ACL headers tidied in place, or Swift's 400. */
  const cleanAcls = (req: SwiftRequest): SwiftResponse | AclChange => {
    const out: AclChange = {};
    for (const [header, key] of [['x-container-read', 'read'], ['x-container-write', 'write']] as const) {
      const v = req.headers[header];
      if (v === undefined) continue;
      try {
        out[key] = cleanAcl(header, v);
      } catch (e) {
        if (e instanceof AclError) return sentence(400, e.message, 'text/html; charset=UTF-8');
        throw e;
      }
    }
    for (const [header, key] of [['x-remove-container-read', 'read'], ['x-remove-container-write', 'write']] as const) {
      if (req.headers[header] !== undefined) out[key] = '';
    }
    return out;
  };

  const getOrHead = async (req: SwiftRequest): Promise<SwiftResponse> => {
    const fmt = listingFormat(req);
    if ('status' in fmt) return fmt;
    const { account, container } = req.parts as { account: string; container: string };
    const c = objects.containerRow(account, container);
    const denied = authorize(req, c?.acls);
    if (denied) return denied;
    if (!c) return req.method === 'HEAD' ? empty(404) : swobPage(404);
    const h = hideOwnerHeaders(req, headers(c));
    if (req.method === 'HEAD') return listingHead(fmt, h, 204);
    const q = listQuery(req, s.containerListingLimit, true);
    if ('status' in q) return q;
    return listingResponse(req, fmt, 'container', container, objects.listObjects(account, container, q), h);
  };

  const policyOf = (req: SwiftRequest): SwiftResponse | string | undefined => {
    const name = req.headers['x-storage-policy'];
    if (!name) return undefined;
    const lower = name.toLowerCase();
    const policy = s.policies.find((p) => p.name.toLowerCase() === lower || p.aliases.some((a) => a.toLowerCase() === lower));
    if (!policy) return sentence(400, `Invalid X-Storage-Policy '${name}'`);
    return policy.name;
  };

  return {
    HEAD: getOrHead,
    GET: getOrHead,
    async PUT(req) {
      const denied = authorize(req);
      if (denied) return denied;
      const acls = cleanAcls(req);
      if ('status' in acls) return acls;
      const bad = checkMetadata(req.headers, 'container', s);
      if (bad) return bad;
      const policy = policyOf(req);
      if (typeof policy === 'object') return policy;
      dropOwnerHeaders(req);
      const { account, container } = req.parts as { account: string; container: string };
      const len = Buffer.byteLength(container, 'utf8');
      if (len > s.maxContainerNameLength) {
        return sentence(400, `Container name length of ${len} longer than ${s.maxContainerNameLength}`, 'text/html; charset=UTF-8');
      }
      const result = objects.putContainer(account, container, objects.timestamp(req.receivedAt), {
        policy, change: metaChange(req.headers, 'container'), acls: req.owner === false ? {} : acls, accountSysmeta: accountSysmetaOnCreate(req),
      });
      if (result === 'conflict') return swobPage(409);
      return result === 'created' ? empty(201) : swobPage(202);
    },
    async POST(req) {
      const denied = authorize(req);
      if (denied) return denied;
      const acls = cleanAcls(req);
      if ('status' in acls) return acls;
      const bad = checkMetadata(req.headers, 'container', s);
      if (bad) return bad;
      dropOwnerHeaders(req);
      const { account, container } = req.parts as { account: string; container: string };
      const ok = objects.postContainer(account, container, metaChange(req.headers, 'container'), req.owner === false ? {} : acls);
      return ok ? empty(204) : swobPage(404);
    },
    async DELETE(req) {
      const denied = authorize(req);
      if (denied) return denied;
      const { account, container } = req.parts as { account: string; container: string };
      const result = objects.deleteContainer(account, container);
      if (result === 'missing') return swobPage(404);
      if (result === 'not-empty') return swobPage(409);
      return empty(204);
    },
  };
}
