/**
 * Swift's container_quotas and account_quotas middlewares. Container quotas:
 * `X-Container-Meta-Quota-Bytes` / `-Quota-Count` (validated on container PUT/POST: 400
 * `Invalid bytes quota.` / `Invalid count quota.`); account quotas: `X-Account-Meta-Quota-Bytes`,
 * which only the reseller admin may set (403 otherwise). An object PUT (or COPY, or PUT with
 * X-Copy-From) that would take the container or account past its quota gets 413 `Upload exceeds
 * quota.` (after the request's own authorization, so a stranger still sees 401/403).
 *
 * Stricter than Swift, on purpose: Swift compares only Content-Length with cached (seconds-old)
 * counters and never refuses a chunked upload or a copy. Here the counters are the store's exact
 * ones plus the uploads in flight (QuotaLedger), a chunked upload is counted as it streams and
 * refused the moment it passes the quota, and a copy counts the size of its source. The formula is
 * Swift's: committed bytes + new bytes <= quota (an overwrite is not credited with the old size),
 * committed objects + 1 <= count quota.
 */
import type { Middleware, SwiftContext, SwiftHandler, SwiftRequest, SwiftResponse } from '../context';
import { subrequest } from '../path';
import { parseRange } from '../ranges';
import { HTML, sentence, swobPage } from '../responses';
import { accountHeader, isResponse, pathHeader } from './copy-paths';
import { discard } from './body';
import { contentLength, isSuccess } from './headers';
import { CountingBody, QuotaExceeded, QuotaLedger } from './quota-ledger';

const isDigits = (v: string | undefined): v is string => v !== undefined && /^\d+$/.test(v);
const exceeds = (): SwiftResponse => sentence(413, 'Upload exceeds quota.', HTML);

/** Where an upload lands and how many bytes it brings (known, or streamed when undefined). */
interface Upload {
  account: string;
  container: string;
  bytes: number | undefined;
}

/**
 * The upload a request makes, if any: an object PUT (its Content-Length, undefined when chunked),
 * a PUT with X-Copy-From or a COPY (the size of the source, through a HEAD below). Undefined for
 * anything else, or when the request is malformed (the stage that owns it answers).
 */
async function uploadOf(req: SwiftRequest, next: SwiftHandler): Promise<Upload | undefined> {
  const p = req.parts;
  if (!p || p.container === undefined || p.object === undefined) return undefined;
  let account = p.account;
  let container = p.container;
  let source: { account: string; container: string; object: string } | undefined;
  if (req.method === 'COPY') {
    if (!req.headers.destination) return undefined;
    if (req.headers['destination-account'] !== undefined) {
      const a = accountHeader(req.headers['destination-account']);
      if (isResponse(a)) return undefined;
      account = a;
    }
    const d = pathHeader(req.headers.destination, '');
    if (isResponse(d)) return undefined;
    container = d.container;
    source = { account: p.account, container: p.container, object: p.object };
  } else if (req.method === 'PUT' && req.headers['x-copy-from']) {
    const s = pathHeader(req.headers['x-copy-from'], '');
    if (isResponse(s)) return undefined;
    let srcAccount = p.account;
    if (req.headers['x-copy-from-account']) {
      const a = accountHeader(req.headers['x-copy-from-account']);
      if (isResponse(a)) return undefined;
      srcAccount = a;
    }
    source = { account: srcAccount, ...s };
  } else if (req.method !== 'PUT') {
    return undefined;
  }
  if (!source) {
    const cl = req.headers['content-length'];
    return { account, container, bytes: cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined };
  }
  const head = await next(subrequest(req, { method: 'HEAD', path: `/${p.version}/${source.account}/${source.container}/${source.object}`, source: 'QUOTA' }));
  discard(head);
  if (!isSuccess(head)) return { account, container, bytes: 0 };
  const size = contentLength(head) ?? 0;
  const ranges = parseRange(req.headers.range, size);
  const bytes = ranges && ranges.length === 1 ? ranges[0]!.end - ranges[0]!.start + 1 : size;
  return { account, container, bytes };
}

/**
 * Runs the request under a byte quota: `room()` is how many more bytes may land now. A known size
 * over it is refused before anything is sent; a streamed body is counted and cut at the limit.
 */
async function underQuota(
  req: SwiftRequest, next: SwiftHandler, ledger: QuotaLedger, key: string, bytes: number | undefined,
  room: () => number, refuse: () => SwiftResponse,
): Promise<SwiftResponse> {
  if (bytes !== undefined) {
    if (bytes > room()) return refuse();
    ledger.add(key, bytes);
    try {
      return await next(req);
    } finally {
      ledger.add(key, -bytes);
    }
  }
  if (!req.body) return next(req);
  const counter = new CountingBody(ledger, key, (extra) => extra <= room());
  req.body.on('error', (e) => counter.destroy(e));
  req.body.pipe(counter);
  try {
    const res = await next({ ...req, body: counter });
    if (counter.exceeded) {
      discard(res);
      return refuse();
    }
    return res;
  } catch (e) {
    if (counter.exceeded || e instanceof QuotaExceeded) return refuse();
    throw e;
  } finally {
    counter.release();
  }
}

export function containerQuotas(ctx: SwiftContext): Middleware {
  const ledger = new QuotaLedger();
  return {
    name: 'container_quotas',
    info: () => ({ container_quotas: {} }),
    wrap: (next) => async (req) => {
      const p = req.parts;
      if (!p || p.container === undefined) return next(req);
      if (p.object === undefined) {
        if (req.method === 'PUT' || req.method === 'POST') {
          const bytes = req.headers['x-container-meta-quota-bytes'];
          if (bytes && !isDigits(bytes)) return sentence(400, 'Invalid bytes quota.', HTML);
          const count = req.headers['x-container-meta-quota-count'];
          if (count && !isDigits(count)) return sentence(400, 'Invalid count quota.', HTML);
        }
        return next(req);
      }
      if (!['PUT', 'COPY'].includes(req.method)) return next(req);
      const target = await uploadOf(req, next);
      if (!target) return next(req);
      const info = ctx.info.container(target.account, target.container);
      if (!info) return next(req);
      const quotaBytes = info.meta['quota-bytes'];
      const quotaCount = info.meta['quota-count'];
      if (!isDigits(quotaBytes) && !isDigits(quotaCount)) return next(req);
      const refuse = (): SwiftResponse => req.authorize?.(req, info.acls) ?? exceeds();
      const key = `${target.account}/${target.container}`;
      // Objects in flight count against the count quota too (`#` keys count uploads, not bytes).
      if (isDigits(quotaCount) && info.objectCount + ledger.reserved(`#${key}`) + 1 > Number(quotaCount)) return refuse();
      ledger.add(`#${key}`, 1);
      try {
        if (!isDigits(quotaBytes)) return await next(req);
        const room = (): number => {
          const now = ctx.info.container(target.account, target.container);
          return Number(quotaBytes) - (now?.bytesUsed ?? 0) - ledger.reserved(key);
        };
        return await underQuota(req, next, ledger, key, target.bytes, room, refuse);
      } finally {
        ledger.add(`#${key}`, -1);
      }
    },
  };
}

export function accountQuotas(ctx: SwiftContext): Middleware {
  const ledger = new QuotaLedger();
  const resellerRole = ctx.settings.resellerAdminRole.toLowerCase();
  return {
    name: 'account_quotas',
    info: () => ({ account_quotas: {} }),
    wrap: (next) => async (req) => {
      const p = req.parts;
      if (!p || !['POST', 'PUT', 'COPY'].includes(req.method)) return next(req);
      if (p.container === undefined && req.method !== 'COPY') {
        let newQuota = req.headers['x-account-meta-quota-bytes'];
        if (req.headers['x-remove-account-meta-quota-bytes']) newQuota = '0';
        const reseller = !!req.auth?.roles.some((r) => r.toLowerCase() === resellerRole);
        if (reseller) {
          if (newQuota && !isDigits(newQuota)) return swobPage(400);
          return next(req);
        }
        if (newQuota !== undefined) return swobPage(403);
        return next(req);
      }
      if (req.method === 'POST' || p.object === undefined) return next(req);
      const target = await uploadOf(req, next);
      if (!target) return next(req);
      const info = ctx.info.account(target.account);
      const quota = info?.meta['quota-bytes'];
      if (!info || quota === undefined || !/^[-+]?\d+$/.test(quota.trim()) || Number(quota) < 0) return next(req);
      const key = target.account;
      const room = (): number => Number(quota) - (ctx.info.account(target.account)?.bytesUsed ?? 0) - ledger.reserved(key);
      const refuse = (): SwiftResponse => req.authorize?.(req, ctx.info.container(target.account, target.container)?.acls) ?? exceeds();
      return underQuota(req, next, ledger, key, target.bytes, room, refuse);
    },
  };
}
