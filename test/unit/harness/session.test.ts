import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import type { Target } from '../../../harness/config';
import { Session, type Exchange, AuthError, NetworkError, CatalogError } from '../../../harness/client';
import { startFakeKeystone, type FakeKeystone } from './fake-keystone';

let ks: FakeKeystone;
const sessions: Session[] = [];

function target(over: Partial<Target['auth']> = {}, authUrl?: string): Target {
  return {
    name: 'fake',
    authType: 'password',
    auth: {
      authUrl: authUrl ?? `${ks.base}/identity`,
      username: 'admin',
      password: 'secret',
      userDomainName: 'Default',
      projectName: 'admin',
      projectDomainId: 'default',
      ...over,
    },
    regionName: 'RegionOne',
    interface: 'public',
    verify: true,
  };
}

function session(t: Target, opts: ConstructorParameters<typeof Session>[1] = {}): Session {
  const s = new Session(t, opts);
  sessions.push(s);
  return s;
}

before(async () => {
  ks = await startFakeKeystone();
});
beforeEach(() => {
  ks.seen.length = 0;
  ks.tokenLifetimeMs = 3_600_000;
});
after(async () => {
  for (const s of sessions) await s.close();
  await ks.close();
});

describe('Session authentication', () => {
  test('discovers v3 at an unversioned auth URL, posts the password body and keeps the token', async () => {
    const recorded: Exchange[] = [];
    const s = session(target(), { recorder: (ex) => void recorded.push(ex) });
    const tok = await s.authenticate();
    assert.deepEqual(
      ks.seen.map((r) => `${r.method} ${r.url}`),
      ['GET /identity', 'POST /identity/v3/auth/tokens'],
    );
    assert.deepEqual(JSON.parse(ks.seen[1]!.body), {
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } } },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    });
    assert.match(tok.id, /^tok-\d+$/);
    assert.equal(tok.body.project?.id, 'p1');
    assert.equal(s.token?.id, tok.id);
    assert.equal(recorded.length, 2, 'discovery and token issue are both recorded');
    assert.equal(recorded[1]!.response.status, 201);
    assert.equal(await s.identityV3Url(), `${ks.base}/identity/v3`);
  });

  test('skips discovery when the auth URL ends in /v3', async () => {
    const s = session(target({}, `${ks.base}/identity/v3/`));
    await s.authenticate();
    assert.deepEqual(ks.seen.map((r) => r.url), ['/identity/v3/auth/tokens']);
  });

  test('token and application credential bodies, with system and domain scope', async () => {
    const s1 = session({ ...target(), authType: 'token', auth: { authUrl: `${ks.base}/identity/v3`, token: 'old', domainId: 'd1' } });
    await s1.authenticate();
    assert.deepEqual(JSON.parse(ks.seen[0]!.body).auth, {
      identity: { methods: ['token'], token: { id: 'old' } },
      scope: { domain: { id: 'd1' } },
    });
    const s2 = session({
      ...target(),
      authType: 'application_credential',
      auth: { authUrl: `${ks.base}/identity/v3`, applicationCredentialName: 'ac', applicationCredentialSecret: 'sh', username: 'u', userDomainId: 'default', projectName: 'ignored' },
    });
    await s2.authenticate();
    assert.deepEqual(JSON.parse(ks.seen[1]!.body).auth, {
      identity: {
        methods: ['application_credential'],
        application_credential: { secret: 'sh', name: 'ac', user: { name: 'u', domain: { id: 'default' } } },
      },
    });
    const s3 = session(target({ userId: 'u1', projectName: undefined, systemScope: 'all' }, `${ks.base}/identity/v3`));
    await s3.authenticate();
    assert.deepEqual(JSON.parse(ks.seen[2]!.body).auth.scope, { system: { all: true } });
    assert.deepEqual(JSON.parse(ks.seen[2]!.body).auth.identity.password.user, { id: 'u1', password: 'secret' });
  });

  test('a refused password is an AuthError with Keystone\'s message', async () => {
    const s = session(target({ password: 'wrong' }));
    await assert.rejects(s.authenticate(), (e: unknown) => {
      assert.ok(e instanceof AuthError);
      assert.equal(
        e.message,
        'Keystone refused a token: POST /identity/v3/auth/tokens answered 401: The request you have made requires authentication.',
      );
      return true;
    });
  });

  test('concurrent requests share one token request', async () => {
    const s = session(target({}, `${ks.base}/identity/v3`));
    await Promise.all([1, 2, 3].map(() => s.request({ service: 'compute', method: 'GET', path: '/servers' })));
    assert.equal(ks.seen.filter((r) => r.url.endsWith('/auth/tokens')).length, 1);
  });
});

describe('Session requests', () => {
  test('resolves the catalog endpoint, sends the token, JSON body, query and user agent', async () => {
    const s = session(target(), { userAgent: 'sp-test' });
    const ex = await s.request({ service: 'compute', method: 'post', path: 'servers', json: { a: 1 }, query: { limit: 2, tag: ['x', 'y'] } });
    assert.equal(ex.response.status, 200);
    const sent = ks.seen.at(-1)!;
    assert.equal(sent.url, '/compute/v2.1/servers?limit=2&tag=x&tag=y');
    assert.equal(sent.method, 'POST');
    assert.equal(sent.headers['x-auth-token'], s.token!.id);
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.equal(sent.headers['user-agent'], 'sp-test');
    assert.equal(sent.body, '{"a":1}');
    assert.deepEqual((ex.response.json as { echo: { body: string } }).echo.body, '{"a":1}');
    assert.equal(ex.request.url, `${ks.base}/compute/v2.1/servers?limit=2&tag=x&tag=y`);
    assert.ok(ex.durationMs >= 0);
  });

  test('endpointFor honours interface and region, and errors clearly', async () => {
    const s = session(target());
    assert.throws(() => s.endpointFor('compute'), /has not authenticated/);
    await s.authenticate();
    assert.equal(s.endpointFor('compute'), `${ks.base}/compute/v2.1`);
    assert.equal(s.endpointFor('compute', { interface: 'internal' }), `${ks.base}/compute-int/v2.1`);
    assert.throws(() => s.endpointFor('compute', { region: 'RegionTwo' }), CatalogError);
    assert.throws(() => s.endpointFor('image'), { message: "The catalog has no service of type 'image' (it has: compute, identity)." });
  });

  test('non-2xx answers are returned, not thrown; network failures throw NetworkError', async () => {
    const s = session(target());
    const ex = await s.request({ service: 'identity', method: 'GET', path: '/nothing-here' });
    assert.equal(ex.response.status, 404);
    assert.deepEqual(ex.response.json, { error: { code: 404, title: 'Not Found', message: 'no route /identity/v3/nothing-here' } });

    const port = await closedPort();
    await assert.rejects(
      s.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, auth: false }),
      (e: unknown) => e instanceof NetworkError && /^GET http:\/\/127\.0\.0\.1:\d+\/ failed before any answer: ECONNREFUSED/.test(e.message),
    );
  });

  test('refreshes the token when it is within 60 s of expiry', async () => {
    let now = Date.now();
    const s = session(target(), { now: () => now });
    ks.tokenLifetimeMs = 10 * 60_000;
    const first = await s.authenticate();
    await s.request({ service: 'compute', method: 'GET', path: '/servers' });
    assert.equal(s.token!.id, first.id, 'still valid: no refresh');
    now += 9 * 60_000 + 1_000; // 59 s left
    await s.request({ service: 'compute', method: 'GET', path: '/servers' });
    assert.notEqual(s.token!.id, first.id);
    assert.equal(ks.seen.at(-1)!.headers['x-auth-token'], s.token!.id);
  });

  test('retries once with a fresh token after a 401', async () => {
    const recorded: Exchange[] = [];
    const s = session(target(), { recorder: (ex) => void recorded.push(ex) });
    const first = await s.authenticate();
    ks.revoked.add(first.id);
    recorded.length = 0;
    const ex = await s.request({ service: 'compute', method: 'GET', path: '/servers' });
    assert.equal(ex.response.status, 200);
    assert.notEqual(s.token!.id, first.id);
    assert.deepEqual(
      recorded.map((r) => `${r.request.method} ${new URL(r.request.url).pathname} ${r.response.status}`),
      ['GET /compute/v2.1/servers 401', 'POST /identity/v3/auth/tokens 201', 'GET /compute/v2.1/servers 200'],
    );
  });

  test('only one retry: a second 401 is returned as is', async () => {
    const s = session(target());
    await s.authenticate();
    ks.refuseAll = true;
    try {
      const ex = await s.request({ service: 'compute', method: 'GET', path: '/servers' });
      assert.equal(ex.response.status, 401);
    } finally {
      ks.refuseAll = false;
    }
    assert.equal(ks.seen.filter((r) => r.url.endsWith('/auth/tokens')).length, 2);
    assert.equal(ks.seen.filter((r) => r.url === '/compute/v2.1/servers').length, 2);
  });

  test("a caller's own X-Auth-Token is sent as is and never replaced", async () => {
    const s = session(target());
    await s.authenticate();
    const ex = await s.request({ service: 'compute', method: 'GET', path: '/servers', headers: { 'X-Auth-Token': 'mine' } });
    assert.equal(ex.response.status, 401);
    assert.equal(ks.seen.at(-1)!.headers['x-auth-token'], 'mine');
    assert.equal(ks.seen.filter((r) => r.url.endsWith('/auth/tokens')).length, 1);
  });

  test('auth: false sends no token', async () => {
    const s = session(target());
    const ex = await s.request({ service: 'compute', method: 'GET', path: '/servers', auth: false });
    assert.equal(ex.response.status, 401);
    assert.equal(ks.seen.at(-1)!.headers['x-auth-token'], undefined);
  });
});

describe('Session discovery and microversions', () => {
  test('discoverVersions GETs the unversioned root once and normalises the document', async () => {
    const s = session(target());
    const versions = await s.discoverVersions('compute');
    assert.deepEqual(versions, [
      { id: 'v2.0', status: 'DEPRECATED', url: `${ks.base}/compute/v2/` },
      { id: 'v2.1', status: 'CURRENT', minVersion: '2.1', maxVersion: '2.90', url: `${ks.base}/compute/v2.1/` },
    ]);
    await s.discoverVersions('compute');
    const root = ks.seen.filter((r) => r.url === '/compute/');
    assert.equal(root.length, 1, 'cached');
    assert.equal(root[0]!.headers['x-auth-token'], undefined, 'roots are read without a token first');
  });

  test('identity discovery reads versions.values', async () => {
    const s = session(target());
    assert.deepEqual(await s.discoverVersions('identity'), [{ id: 'v3.14', status: 'CURRENT', url: `${ks.base}/identity/v3/` }]);
  });

  test('negotiateMicroversion: in range, out of range, latest', async () => {
    const s = session(target());
    assert.equal(await s.negotiateMicroversion('compute', '2.47'), '2.47');
    assert.equal(await s.negotiateMicroversion('compute', '2.1'), '2.1');
    assert.equal(await s.negotiateMicroversion('compute', '2.91'), undefined);
    assert.equal(await s.negotiateMicroversion('compute', '3.0'), undefined);
    assert.equal(await s.negotiateMicroversion('compute', 'latest'), '2.90');
    assert.equal(await s.negotiateMicroversion('identity', 'latest'), undefined, 'no microversions');
  });

  test('request({microversion}) sends OpenStack-API-Version and the legacy compute header', async () => {
    const s = session(target());
    const ex = await s.request({ service: 'compute', method: 'GET', path: '/servers/detail', microversion: '2.47' });
    const sent = ks.seen.at(-1)!;
    assert.equal(sent.headers['openstack-api-version'], 'compute 2.47');
    assert.equal(sent.headers['x-openstack-nova-api-version'], '2.47');
    assert.equal(ex.request.headers['openstack-api-version'], 'compute 2.47');
    assert.equal(ex.response.headers['openstack-api-version'], 'compute 2.47');
  });
});

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
