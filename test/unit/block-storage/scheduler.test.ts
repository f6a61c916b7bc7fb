/**
 * The scheduler as Cinder's filter scheduler: zone, capacity and capability filters (extra
 * specs operators), the most free backend wins; no backend → undefined; and the topology reader.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../reference-cloud/core/store';
import { blockStorageMigrations } from '../../../reference-cloud/block-storage/migrations';
import { createScheduler, matchSpec, satisfies } from '../../../reference-cloud/block-storage/scheduler';
import { readTopology } from '../../../reference-cloud/block-storage/topology';
import { bootstrap, allTypes, extraSpecs } from '../../../reference-cloud/block-storage/models/types';
import { ConfigError } from '../../../reference-cloud/core/config';

function withStore(raw: Record<string, unknown> | undefined, fn: (s: ReturnType<typeof openStore>) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'sp-sched-'));
  const store = openStore(dir, 'block-storage', blockStorageMigrations, '2025.2');
  try {
    store.tx(() => bootstrap(store.db, readTopology(raw), () => new Date().toISOString()));
    fn(store);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('block storage: scheduler', () => {
  it('matches extra specs with cinder operators', () => {
    assert.equal(matchSpec(true, '<is> True'), true);
    assert.equal(matchSpec(false, '<is> True'), false);
    assert.equal(matchSpec('lvm', 'lvm'), true);
    assert.equal(matchSpec('lvm', 'ceph'), false);
    assert.equal(matchSpec('iSCSI FC', '<in> FC'), true);
    assert.equal(matchSpec(100, '>= 50'), true);
    assert.equal(matchSpec(10, '>= 50'), false);
    assert.equal(matchSpec(10, '<= 50'), true);
    assert.equal(matchSpec(10, '== 10'), true);
    assert.equal(matchSpec('b', '<or> a <or> b'), true);
    assert.equal(matchSpec('c', '<or> a <or> b'), false);
    assert.equal(matchSpec('abc', 's>= abb'), true);
    assert.equal(satisfies({ volume_backend_name: 'x', multiattach: false }, { 'custom:key': 'anything', volume_backend_name: 'x' }), true, 'scoped keys other than capabilities: are ignored');
    assert.equal(satisfies({ multiattach: false }, { 'capabilities:multiattach': '<is> True' }), false);
    assert.equal(satisfies({}, { nothing_like_it: 'x' }), false, 'a capability the backend lacks fails');
  });

  it('picks the backend with the most free space in the zone that satisfies the specs', () => {
    withStore({
      backends: [
        { name: 'a', zone: 'nova', capacity_gb: 100 },
        { name: 'b', zone: 'nova', capacity_gb: 50, capabilities: { multiattach: true } },
        { name: 'c', zone: 'az2', capacity_gb: 500 },
      ],
    }, (store) => {
      const s = createScheduler(store);
      assert.equal(s.pick(10, 'nova', {}), 'stackproof@a#a');
      assert.equal(s.pick(10, 'az2', {}), 'stackproof@c#c');
      assert.equal(s.pick(10, 'elsewhere', {}), undefined);
      assert.equal(s.pick(10, 'nova', { multiattach: '<is> True' }), 'stackproof@b#b');
      assert.equal(s.pick(60, 'nova', { multiattach: '<is> True' }), undefined, 'b is too small');
      assert.equal(s.pick(10, 'nova', { volume_backend_name: 'b' }), 'stackproof@b#b');
      // Allocation moves the choice: fill a with 80 GiB and b (50 free) wins.
      store.db.prepare(`INSERT INTO volumes (id, project_id, user_id, size, status, availability_zone, volume_type_id, host, created_at)
        VALUES ('v1', 'p', 'u', 80, 'available', 'nova', (SELECT id FROM volume_types LIMIT 1), 'stackproof@a#a', 'now')`).run();
      assert.equal(s.pick(10, 'nova', {}), 'stackproof@b#b');
      assert.equal(s.pick(51, 'nova', {}), undefined, 'no backend has 51 GiB free');
      store.db.prepare("DELETE FROM volumes WHERE id = 'v1'").run();
      assert.equal(s.pick(60, 'nova', {}), 'stackproof@a#a', 'deleting frees the space');
    });
  });

  it('bootstraps the default topology: two backends, __DEFAULT__, lvmdriver-1 and multiattach, idempotently', () => {
    withStore(undefined, (store) => {
      bootstrap(store.db, readTopology(undefined), () => new Date().toISOString());
      const types = allTypes(store.db);
      assert.deepEqual(types.map((t) => t.name).sort(), ['__DEFAULT__', 'lvmdriver-1', 'multiattach']);
      assert.deepEqual(extraSpecs(store.db, types.find((t) => t.name === 'multiattach')!.id), { multiattach: '<is> True' });
      assert.deepEqual(extraSpecs(store.db, types.find((t) => t.name === 'lvmdriver-1')!.id), { volume_backend_name: 'lvmdriver-1' });
      const hosts = (store.db.prepare('SELECT host FROM backends ORDER BY host').all() as { host: string }[]).map((r) => r.host);
      assert.deepEqual(hosts, ['stackproof@lvmdriver-1#lvmdriver-1', 'stackproof@multi-1#multi-1']);
    });
  });

  it('refuses bad topology settings with clear messages', () => {
    assert.throws(() => readTopology({ backend: [] }), (e: Error) => e instanceof ConfigError && /unknown setting "backend"/.test(e.message));
    assert.throws(() => readTopology({ backends: [] }), /non-empty list/);
    assert.throws(() => readTopology({ backends: [{ name: 'a b' }] }), /must be 1-64 letters/);
    assert.throws(() => readTopology({ backends: [{ name: 'a', capacity_gb: -1 }] }), /capacity_gb must be an integer/);
    assert.throws(() => readTopology({ backends: [{ name: 'a' }, { name: 'a' }] }), /appears twice/);
    assert.throws(() => readTopology({ types: [{ name: 'x', extra_specs: [] }] }), /extra_specs must be a mapping/);
    const t = readTopology({ backends: [{ name: 'ceph', zone: 'z1', capacity_gb: 10 }], default_type: 'ceph' });
    assert.deepEqual(t.zones, ['z1']);
    assert.equal(t.defaultType, 'ceph');
    assert.deepEqual(t.types.map((x) => x.name), ['ceph'], 'no multiattach backend: no multiattach type');
  });
});
