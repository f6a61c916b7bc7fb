/**
 * Swift's tempurl middleware (swift/common/middleware/tempurl.py): a request carrying
 * `temp_url_sig` and `temp_url_expires` is allowed without a token when the signature is the HMAC
 * of its method, expiry and path (or `prefix:` path) under one of the account's or container's
 * `Temp-URL-Key`/`Temp-URL-Key-2`; a GET signature also serves HEAD. It sets `authorizeOverride`
 * with an authorize limited to the signing account or container, strips `x-timestamp` from the
 * request and user metadata (but `X-Object-Meta-Public-*`) from the response, and adds
 * Content-Disposition and Expires to downloads. Anything wrong: 401 `Temp URL invalid`.
 */
import type { Middleware, SwiftContext, SwiftRequest, SwiftResponse } from '../context';
import { swobPage } from '../responses';
import { extractDigest, parseExpires, dispositionFormat, sameSignature, tempUrlHmac } from './tempurl-sig';

/** Where the object store is mounted on the reference cloud's port (index.ts). */
const MOUNT = '/object-store';

const INCOMING_REMOVE = ['x-timestamp'];
const OUTGOING_REMOVE = /^x-object-meta-/i;
const OUTGOING_ALLOW = /^x-object-meta-public-/i;
const DISALLOWED_INCOMING = ['x-object-manifest', 'x-symlink-target', 'x-copy-from'];

function invalid(req: SwiftRequest): SwiftResponse {
  const headers = { 'Content-Type': 'text/html; charset=UTF-8', 'Www-Authenticate': 'Swift realm="unknown"' };
  if (req.method === 'HEAD') return { status: 401, headers: { ...headers, 'Content-Length': '0' } };
  return { status: 401, headers, body: '401 Unauthorized: Temp URL invalid\n' };
}

const titleCase = (k: string): string => k.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

/** The keys of an info's metadata: temp-url-key and temp-url-key-2 (lower-case meta keys). */
function keysOf(meta: Record<string, string> | undefined): string[] {
  return Object.entries(meta ?? {}).filter(([k]) => k === 'temp-url-key' || k === 'temp-url-key-2').map(([, v]) => v);
}

export function tempurl(ctx: SwiftContext): Middleware {
  const conf = ctx.settings.tempurl;
  return {
    name: 'tempurl',
    info: () => ({
      tempurl: {
        methods: conf.methods, incoming_remove_headers: INCOMING_REMOVE, incoming_allow_headers: [],
        outgoing_remove_headers: ['x-object-meta-*'], outgoing_allow_headers: ['x-object-meta-public-*'],
        allowed_digests: conf.allowedDigests, deprecated_digests: conf.deprecatedDigests,
      },
    }),
    wrap: (next) => async (req) => {
      if (req.method === 'OPTIONS') return next(req);
      const q = req.query;
      const sig = q.get('temp_url_sig');
      const expiresText = q.get('temp_url_expires');
      if (sig === null && expiresText === null) return next(req);
      const now = Math.floor(ctx.clock.now().getTime() / 1000);
      const expires = expiresText === null ? 0 : parseExpires(expiresText, now);
      if (!sig || !expires) return invalid(req);
      const digest = extractDigest(sig);
      if (!digest || !conf.allowedDigests.includes(digest[0])) return invalid(req);
      const [algorithm, hexSig] = digest;
      const p = req.parts;
      if (!conf.methods.includes(req.method) || !p || p.version !== 'v1' || p.container === undefined
        || p.object === undefined || p.object.replace(/^\/+|\/+$/g, '') === '') return invalid(req);
      // Swift checks the client address against temp_url_ip_range; the pipeline does not carry it.
      if (q.has('temp_url_ip_range')) return invalid(req);
      const account = ctx.info.account(p.account);
      const container = ctx.info.container(p.account, p.container);
      const keys: [string, 'account' | 'container'][] = [
        ...keysOf(account?.meta).map((k): [string, 'account'] => [k, 'account']),
        ...keysOf(container?.meta).map((k): [string, 'container'] => [k, 'container']),
      ];
      if (keys.length === 0) return invalid(req);
      const prefix = q.get('temp_url_prefix');
      if (prefix !== null && !p.object.startsWith(prefix)) return invalid(req);
      const target = `${p.account}/${p.container}/${prefix ?? p.object}`;
      // Signed over the path Swift sees (/v1/...), or over the catalog URL's whole path, which on
      // the reference cloud's shared port starts with the mount (/object-store/v1/...): clients
      // such as `swift tempurl` sign what they are given.
      const paths = [`/v1/${target}`, `${MOUNT}/v1/${target}`].map((x) => (prefix === null ? x : `prefix:${x}`));
      const methods = req.method === 'HEAD' ? ['HEAD', 'GET', 'POST', 'PUT'] : [req.method];
      let scope: 'account' | 'container' | undefined;
      for (const method of methods) {
        for (const [key, s] of keys) {
          for (const path of paths) {
            if (!scope && sameSignature(hexSig, tempUrlHmac(method, path, expires, key, algorithm))) scope = s;
          }
        }
      }
      if (!scope) return invalid(req);
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
        const bad = DISALLOWED_INCOMING.find((h) => h in req.headers);
        if (bad) return { ...swobPage(400), body: `The header '${titleCase(bad)}' is not allowed in this tempurl` };
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !INCOMING_REMOVE.includes(k)));
      const acct = p.account;
      const cont = p.container;
      const authorize = (r: SwiftRequest): SwiftResponse | undefined => {
        const rp = r.parts;
        const ok = rp && rp.account === acct && (scope === 'account' || rp.container === cont);
        return ok ? undefined : swobPage(401, { 'Www-Authenticate': `Swift realm="${rp?.account ?? 'unknown'}"` });
      };
      const query = new URLSearchParams({ temp_url_sig: sig, temp_url_expires: String(expires) });
      if (prefix !== null) query.set('temp_url_prefix', prefix);
      const filename = q.get('filename');
      if (filename !== null) query.set('filename', filename);
      const res = await next({ ...req, headers, query, authorize, authorizeOverride: true });

      const out: Record<string, string> = {};
      let existing: string | undefined;
      for (const [k, v] of Object.entries(res.headers)) {
        if (OUTGOING_REMOVE.test(k) && !OUTGOING_ALLOW.test(k)) continue;
        if ((req.method === 'GET' || req.method === 'HEAD') && res.status < 300 && k.toLowerCase() === 'content-disposition') {
          existing = v;
          continue;
        }
        out[k] = v;
      }
      if ((req.method === 'GET' || req.method === 'HEAD') && res.status >= 200 && res.status < 300) {
        let disposition: string;
        if (q.has('inline')) disposition = filename ? dispositionFormat('inline', filename) : 'inline';
        else if (filename) disposition = dispositionFormat('attachment', filename);
        else if (existing !== undefined) disposition = existing;
        else {
          const name = p.object.replace(/\/+$/, '');
          disposition = dispositionFormat('attachment', name.slice(name.lastIndexOf('/') + 1));
        }
        out['Content-Disposition'] = disposition.replace(/\n/g, '%0A');
        out.Expires = new Date(expires * 1000).toUTCString();
      }
      return { ...res, headers: out };
    },
  };
}
