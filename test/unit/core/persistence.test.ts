/** State survives a restart; tokens expire with the cloud's clock; services apart validate over HTTP. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { systemClock } from '../../../reference-cloud/core/clock';
import { RemoteTokenValidator } from '../../../reference-cloud/core/remote-tokens';
import { ALL_SERVICES } from '../../../reference-cloud/services';

const config = (dataDir: string) => loadConfig({ env: {}, overrides: { dataDir, port: 0, logLevel: 'silent', passwordHashCost: 10 } });

async function token(authUrl: string, password: string): Promise<string> {
  const res = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
  });
  assert.equal(res.status, 201);
  return res.headers.get('x-subject-token')!;
}

const validate = (authUrl: string, admin: string, subject: string) =>
  fetch(`${authUrl}/auth/tokens`, { headers: { 'X-Auth-Token': admin, 'X-Subject-Token': subject } }).then((r) => r.status);

describe('durability and time', () => {
  it('keeps projects, the admin password and issued tokens across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-persist-'));
    try {
      let cloud = await startCloud(config(dir), { services: ALL_SERVICES });
      const t = await token(cloud.authUrl, cloud.admin.password);
      const created = await fetch(`${cloud.authUrl}/projects`, {
        method: 'POST', headers: { 'X-Auth-Token': t, 'Content-Type': 'application/json' },
        body: JSON.stringify({ project: { name: 'survivor' } }),
      });
      assert.equal(created.status, 201);
      const password = cloud.admin.password;
      await cloud.close();

      cloud = await startCloud(config(dir), { services: ALL_SERVICES });
      assert.equal(cloud.admin.password, password, 'the generated admin password is kept');
      assert.equal(await validate(cloud.authUrl, t, t), 200, 'a token issued before the restart still validates');
      const list = await fetch(`${cloud.authUrl}/projects?name=survivor`, { headers: { 'X-Auth-Token': t } });
      assert.equal(((await list.json()) as { projects: unknown[] }).projects.length, 1);
      await cloud.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('expires tokens when their lifetime has passed on the cloud clock', async () => {
    const clock = systemClock();
    const cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10, tokenExpiration: 600 } }), { services: ALL_SERVICES, clock });
    try {
      const old = await token(cloud.authUrl, cloud.admin.password);
      clock.advance(601_000);
      const fresh = await token(cloud.authUrl, cloud.admin.password);
      assert.equal(await validate(cloud.authUrl, fresh, old), 404, 'the expired token no longer validates');
      assert.equal(await validate(cloud.authUrl, fresh, fresh), 200);
      assert.equal(await validate(cloud.authUrl, old, fresh), 401, 'an expired token is refused as credentials');
    } finally {
      await cloud.close();
    }
  });

  it('validates tokens over HTTP for services that run apart, with a service token', async () => {
    const cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10 } }), { services: ALL_SERVICES });
    try {
      const remote = new RemoteTokenValidator({
        authUrl: cloud.authUrl, username: 'stackproof', password: cloud.config.servicePassword!, projectName: 'service', cacheSeconds: 300,
      });
      const t = await token(cloud.authUrl, cloud.admin.password);
      const ctx = await remote.validate(t);
      assert.equal(ctx.userName, 'admin');
      assert.equal(ctx.projectName, 'admin');
      assert.ok(ctx.roles.includes('admin') && ctx.roles.includes('reader'), 'implied roles are expanded');
      await assert.rejects(remote.validate('not-a-token-at-all-but-long-enough-to-look-like-one-xxxxxxxx'), (e: { status?: number }) => e.status === 401);
    } finally {
      await cloud.close();
    }
  });
});

describe('listeners', () => {
  it('gives a service its own port when asked, with the catalog pointing there', async () => {
    const cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, ports: { identity: 0 }, logLevel: 'silent', passwordHashCost: 10 } }), { services: ALL_SERVICES });
    try {
      const url = new URL(cloud.endpoints.find((e) => e.service === 'identity')!.url);
      assert.ok(Number(url.port) > 0);
      const t = await token(cloud.authUrl, cloud.admin.password);
      const res = await fetch(`${cloud.authUrl}/auth/catalog`, { headers: { 'X-Auth-Token': t } });
      const catalog = ((await res.json()) as { catalog: { type: string; endpoints: { url: string }[] }[] }).catalog;
      assert.ok(catalog.find((s) => s.type === 'identity')!.endpoints.every((e) => new URL(e.url).port === url.port));
    } finally {
      await cloud.close();
    }
  });
});
