/** Swift capability discovery (/info beside /v1), the endpoint override, and @requires:swift:<key> tags. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  discoverObjectStore, infoUrl, objectStoreAccountUrl, unmetRequirement, type Capabilities,
} from '../../../harness/capabilities';
import type { Exchange } from '../../../harness/client';
import type { RequestOptions } from '../../../harness/client/session';

function fakeSession(endpoint: string, answers: Record<string, { status: number; json?: unknown } | Error>) {
  const asked: RequestOptions[] = [];
  return {
    asked,
    endpointFor: () => endpoint,
    async request(opts: RequestOptions): Promise<Exchange> {
      asked.push(opts);
      const a = answers[opts.url ?? ''];
      if (a instanceof Error) throw a;
      const status = a?.status ?? 404;
      return { request: { method: opts.method, url: opts.url ?? '', headers: {} }, response: { status, headers: {}, text: '', ...(a?.json !== undefined ? { json: a.json } : {}) }, durationMs: 1 };
    },
  };
}

describe('Swift /info discovery', () => {
  it('finds /info at the root of the proxy, whatever prefix the endpoint has', () => {
    assert.equal(infoUrl('http://h:8080/v1/AUTH_abc'), 'http://h:8080/info');
    assert.equal(infoUrl('http://h/object-store/v1/AUTH_abc/'), 'http://h/object-store/info');
    assert.equal(infoUrl('http://h:8080/v1'), 'http://h:8080/info');
  });
  it('lists the middlewares /info names, asked without a token', async () => {
    const s = fakeSession('http://h:8080/v1/AUTH_p', { 'http://h:8080/info': { status: 200, json: { swift: {}, tempurl: {}, slo: {} } } });
    assert.deepEqual(await discoverObjectStore(s, {}), { middlewares: ['slo', 'swift', 'tempurl'] });
    assert.equal(s.asked[0]!.auth, false);
  });
  it('says why when /info cannot be read', async () => {
    const c = await discoverObjectStore(fakeSession('http://h:8080/v1/AUTH_p', {}), {});
    assert.deepEqual(c.middlewares, []);
    assert.match(c.error!, /answered 404/);
    const down = await discoverObjectStore(fakeSession('http://h:8080/v1/AUTH_p', { 'http://h:8080/info': new Error('ECONNREFUSED') }), {});
    assert.match(down.error!, /ECONNREFUSED/);
  });
  it('follows OS_OBJECT_STORE_ENDPOINT_OVERRIDE with the project of the catalog endpoint', async () => {
    const env = { OS_OBJECT_STORE_ENDPOINT_OVERRIDE: 'http://h:8081/v1/AUTH_%(project_id)s' };
    assert.equal(objectStoreAccountUrl('http://h:8080/v1/AUTH_abc', env), 'http://h:8081/v1/AUTH_abc');
    assert.equal(objectStoreAccountUrl('http://h:8080/v1/AUTH_abc', {}), 'http://h:8080/v1/AUTH_abc');
    const s = fakeSession('http://h:8080/v1/AUTH_p', { 'http://h:8081/info': { status: 200, json: { swift: {}, container_quotas: {} } } });
    assert.deepEqual((await discoverObjectStore(s, env)).middlewares, ['container_quotas', 'swift']);
  });
});

describe('@requires:swift:<key>', () => {
  const base: Capabilities = { services: { 'object-store': {} }, admin: true, extensions: [] };
  it('passes when /info lists the key', () => {
    assert.equal(unmetRequirement(['@requires:swift:tempurl'], { ...base, objectStore: { middlewares: ['swift', 'tempurl'] } }), undefined);
  });
  it('skips with the reason otherwise', () => {
    assert.match(unmetRequirement(['@requires:swift:tempurl'], { ...base, objectStore: { middlewares: ['slo', 'swift'] } })!, /"tempurl", which the target's \/info does not list \(it lists slo, swift\)/);
    assert.match(unmetRequirement(['@requires:swift:slo'], base)!, /object-store service/);
    assert.match(unmetRequirement(['@requires:swift:slo'], { ...base, objectStore: { middlewares: [], error: 'GET x answered 500' } })!, /could not be read: GET x answered 500/);
  });
});
