/** A tiny Keystone + Nova stand-in on 127.0.0.1 for Session tests. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeKeystone {
  base: string;
  seen: SeenRequest[];
  /** Token ids the server refuses from now on (401). */
  revoked: Set<string>;
  /** Refuse every token on compute (401), fresh or not. */
  refuseAll: boolean;
  /** Lifetime of the tokens it issues, ms. */
  tokenLifetimeMs: number;
  issued: string[];
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'x-openstack-request-id': `req-${Math.random().toString(16).slice(2)}`,
    ...(text ? { 'content-type': 'application/json' } : {}),
    ...headers,
  });
  res.end(text);
}

/** Token format Keystone uses: microseconds and Z. */
function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export async function startFakeKeystone(): Promise<FakeKeystone> {
  const state = {
    seen: [] as SeenRequest[],
    revoked: new Set<string>(),
    refuseAll: false,
    tokenLifetimeMs: 3_600_000,
    issued: [] as string[],
  };
  let base = '';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = req.url ?? '/';
      state.seen.push({ method: req.method ?? '', url, headers: req.headers, body });
      const token = req.headers['x-auth-token'];
      const authed =
        !state.refuseAll && typeof token === 'string' && state.issued.includes(token) && !state.revoked.has(token);
      const versionsDoc = {
        versions: {
          values: [
            { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z', links: [{ rel: 'self', href: `${base}/identity/v3/` }] },
          ],
        },
      };
      if (req.method === 'GET' && (url === '/identity' || url === '/identity/')) {
        return send(res, 300, versionsDoc, { location: `${base}/identity/v3/` });
      }
      if (req.method === 'POST' && url === '/identity/v3/auth/tokens') {
        const auth = JSON.parse(body || '{}').auth;
        const pw = auth?.identity?.password?.user?.password;
        const methods: string[] = auth?.identity?.methods ?? [];
        if (methods.includes('password') && pw !== 'secret') {
          return send(res, 401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
        }
        const id = `tok-${state.issued.length + 1}`;
        state.issued.push(id);
        const now = Date.now();
        return send(
          res,
          201,
          {
            token: {
              methods,
              user: { id: 'u1', name: 'admin', domain: { id: 'default', name: 'Default' }, password_expires_at: null },
              audit_ids: ['a1'],
              issued_at: keystoneTime(now),
              expires_at: keystoneTime(now + state.tokenLifetimeMs),
              project: { id: 'p1', name: 'admin', domain: { id: 'default', name: 'Default' } },
              is_domain: false,
              roles: [{ id: 'r1', name: 'admin' }],
              catalog: [
                {
                  id: 's1',
                  type: 'identity',
                  name: 'keystone',
                  endpoints: [{ id: 'e1', interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: `${base}/identity/v3` }],
                },
                {
                  id: 's2',
                  type: 'compute',
                  name: 'nova',
                  endpoints: [
                    { id: 'e2', interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: `${base}/compute/v2.1` },
                    { id: 'e3', interface: 'internal', region: 'RegionOne', region_id: 'RegionOne', url: `${base}/compute-int/v2.1` },
                  ],
                },
              ],
            },
          },
          { 'x-subject-token': id },
        );
      }
      if (req.method === 'GET' && url === '/compute/') {
        return send(res, 200, {
          versions: [
            { id: 'v2.0', status: 'DEPRECATED', version: '', min_version: '', links: [{ rel: 'self', href: `${base}/compute/v2/` }] },
            { id: 'v2.1', status: 'CURRENT', version: '2.90', min_version: '2.1', links: [{ rel: 'self', href: `${base}/compute/v2.1/` }] },
          ],
        });
      }
      if (url.startsWith('/compute/v2.1/')) {
        if (!authed) return send(res, 401, { error: { code: 401, title: 'Unauthorized', message: 'bad token' } });
        const mv = req.headers['x-openstack-nova-api-version'];
        return send(res, 200, { echo: { method: req.method, url, microversion: mv ?? null, body } }, mv ? { 'openstack-api-version': `compute ${mv}` } : {});
      }
      return send(res, 404, { error: { code: 404, title: 'Not Found', message: `no route ${url}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    base,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  });
}
