/**
 * Bad input never becomes a 500 in the compute API: every route of the route table, with its
 * path parameters pointing at real resources and at unknown or hostile ids, given bodies of
 * every JSON shape, answers a 2xx or a 4xx in Nova's fault format; and nothing crashes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { openStore } from '../../../reference-cloud/core/store';
import { createLogger } from '../../../reference-cloud/core/logging';
import { systemClock } from '../../../reference-cloud/core/clock';
import type { Route } from '../../../reference-cloud/core/service';
import { computeService } from '../../../reference-cloud/compute';
import { identityService } from '../../../reference-cloud/identity';
import { imageService } from '../../../reference-cloud/image';
import { networkService } from '../../../reference-cloud/network';

const BODIES: unknown[] = [
  null, true, 0, -1, 1.5, '', 'x', [], ['x'], {}, { x: 1 },
  { server: null }, { server: {} }, { server: { name: 5 } }, { server: { name: 'n', imageRef: [], flavorRef: {} } },
  { flavor: { name: 'f', ram: 'x', vcpus: -1, disk: null } }, { keypair: { name: '../../etc/passwd' } },
  { metadata: { k: 5 } }, { metadata: { ['k'.repeat(300)]: 'v' } }, { meta: {} }, { tags: [5, null] },
  { quota_set: { instances: 'many' } }, { aggregate: { name: '' } }, { server_group: { name: 'g', policies: 'x' } },
  { reboot: { type: 5 } }, { resize: null }, { createImage: {} }, { 'os-stop': null, 'os-start': null },
  { interfaceAttachment: { net_id: 5 } }, { volumeAttachment: { volumeId: 'x' } }, { cell: { down: 'yes' } },
  { add_host: { host: 7 } }, { set_metadata: { metadata: [] } }, { addTenantAccess: {} },
  { extra_specs: { 'hw:cpu_policy': 7 } }, { status: 'x', forced_down: 'maybe' },
];

describe('compute: hostile input', () => {
  let cloud: RunningCloud;
  let token = '';
  let routes: Route[] = [];
  let scratch = '';
  before(async () => {
    cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10 } }), {
      services: [identityService, imageService, networkService, computeService],
    });
    const res = await fetch(`${cloud.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: cloud.admin.password } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
    });
    token = res.headers.get('x-subject-token')!;
    // The route table itself, from a throwaway runtime.
    scratch = mkdtempSync(join(tmpdir(), 'sp-compute-routes-'));
    const config = loadConfig({ env: {}, overrides: { dataDir: scratch, logLevel: 'silent' } });
    const store = openStore(scratch, 'compute', computeService.migrations, config.release);
    const runtime = await computeService.create({ config, store, log: createLogger('silent'), clock: systemClock(), tokens: { validate: async () => { throw new Error('unused'); } } });
    routes = runtime.routes;
    await runtime.close?.();
    store.close();
  });
  after(async () => {
    await cloud?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const compute = () => cloud.endpoints.find((e) => e.service === 'compute')!.url.replace(/\/v2\.1$/, '');

  async function send(method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; text: string; type: string }> {
    const res = await fetch(`${compute()}${path}`, {
      method,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json', 'OpenStack-API-Version': 'compute latest' },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
  }

  function assertNot5xx(r: { status: number; text: string; type: string }, what: string): void {
    assert.ok(r.status < 500, `${what}: ${r.status} ${r.text.slice(0, 300)}`);
    if (r.status >= 400 && r.type.startsWith('application/json')) {
      const body = JSON.parse(r.text) as Record<string, { code?: number; message?: string }>;
      const [name] = Object.keys(body);
      assert.equal(body[name]!.code ?? (body as { error?: { code: number } }).error?.code, r.status, `${what}: ${r.text}`);
    }
  }

  it('answers every route with unknown, hostile and real ids and odd bodies without a 5xx', async () => {
    const images = await fetch(`${cloud.endpoints.find((e) => e.service === 'image')!.url}/v2/images`, { headers: { 'X-Auth-Token': token } });
    const image = ((await images.json()) as { images: { id: string }[] }).images[0]?.id ?? 'none';
    const boot = await send('POST', '/v2.1/servers', { server: { name: 'fuzz', imageRef: image, flavorRef: '42', networks: 'none' } });
    const server = boot.status === 202 ? (JSON.parse(boot.text) as { server: { id: string } }).server.id : 'none';
    const ids = ['00000000-0000-0000-0000-000000000000', '..%2F..%2Fetc', '%00', 'x'.repeat(300), "'; DROP TABLE instances; --"];
    const real: Record<string, string> = { server_id: server, id: server, flavor_id: '42' };
    let calls = 0;
    for (const route of routes) {
      const params = route.path.match(/:\w+/g) ?? [];
      const variants = [
        route.path.replace(/:(\w+)/g, (_, p: string) => real[p] ?? 'x'),
        ...ids.map((id) => route.path.replace(/:\w+/g, id)),
      ];
      for (const path of params.length ? variants : [route.path]) {
        const bodies = ['POST', 'PUT', 'PATCH'].includes(route.method) ? BODIES : [undefined];
        for (const body of bodies) {
          calls++;
          assertNot5xx(await send(route.method, path, body), `${route.method} ${path} ${JSON.stringify(body)}`);
        }
        if (['POST', 'PUT'].includes(route.method)) {
          calls++;
          assertNot5xx(await send(route.method, path, undefined, '{"truncated": '), `${route.method} ${path} truncated JSON`);
        }
      }
    }
    assert.ok(calls > 500, `${calls} calls`);
  });
});
