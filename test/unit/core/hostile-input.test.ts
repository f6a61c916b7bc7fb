/** Hostile or malformed requests get a 4xx in the service's own envelope, never a 500. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../../reference-cloud/services';

describe('hostile input', () => {
  let cloud: RunningCloud;
  let token: string;
  before(async () => {
    cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10 } }), { services: ALL_SERVICES });
    const res = await fetch(`${cloud.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: cloud.admin.password } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
    });
    token = res.headers.get('x-subject-token')!;
  });
  after(() => cloud.close());

  const send = async (method: string, path: string, body?: string, contentType = 'application/json') => {
    const res = await fetch(`${cloud.authUrl}${path}`, { method, headers: { 'X-Auth-Token': token, 'Content-Type': contentType }, body });
    const json = (await res.json()) as { error?: { code: number; message: string } };
    return { status: res.status, json };
  };

  const cases: [string, string, string | undefined, number][] = [
    ['a malformed percent-encoding', '/projects/%E0%A4%A', undefined, 400],
    ['an over-long path parameter', `/projects/${'a'.repeat(5000)}`, undefined, 414],
    ['JSON nested 20 000 levels deep', '/projects', `{"project": {"name": "x", "y": ${'['.repeat(20000)}${']'.repeat(20000)}}}`, 400],
    ['a JSON array instead of an object', '/projects', '[]', 400],
    ['a bare JSON string', '/projects', '"x"', 400],
    ['truncated JSON', '/projects', '{"project": {"name": ', 400],
    ['a body larger than Keystone accepts', '/projects', `{"project": {"name": "${'x'.repeat(120_000)}"}}`, 413],
  ];
  for (const [what, path, body, status] of cases) {
    it(`answers ${status} to ${what}, in Keystone's envelope`, async () => {
      const r = await send(body === undefined ? 'GET' : 'POST', path, body);
      assert.equal(r.status, status);
      assert.equal(r.json.error?.code, status);
      assert.equal(typeof r.json.error?.message, 'string');
    });
  }

  it('refuses a body that is not JSON, as Keystone does', async () => {
    const r = await send('POST', '/projects', '{"project": {"name": "plain"}}', 'text/plain');
    assert.equal(r.status, 400);
    assert.match(r.json.error!.message, /^Expecting to find application\/json in Content-Type header/);
  });

  it('created nothing on the way', async () => {
    const res = await fetch(`${cloud.authUrl}/projects`, { headers: { 'X-Auth-Token': token } });
    const names = ((await res.json()) as { projects: { name: string }[] }).projects.map((p) => p.name).sort();
    assert.deepEqual(names, ['admin', 'demo', 'service']);
  });
});
