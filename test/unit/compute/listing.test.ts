/**
 * The cross-cell list: random instances in three cells plus build requests; with every sort and
 * page size, walking the pages with the marker gives exactly the whole set in order, once each;
 * filters apply in every cell; a down cell is skipped, or gives partial records (2.69+).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../reference-cloud/core/config';
import { createLogger } from '../../../reference-cloud/core/logging';
import { openStore, type ServiceStore } from '../../../reference-cloud/core/store';
import { Cells } from '../../../reference-cloud/compute/cells';
import type { ComputeApi } from '../../../reference-cloud/compute/context';
import { apiMigrations } from '../../../reference-cloud/compute/migrations';
import { readTopology } from '../../../reference-cloud/compute/topology';
import { insertInstance, type InstanceRow } from '../../../reference-cloud/compute/models/instances';
import { compareRows, filterRegExp, fullSort, listServers, type Listed, type SortKey } from '../../../reference-cloud/compute/listing';

const idOf = (l: Listed) => (l.kind === 'build' ? l.build.uuid : l.kind === 'instance' ? l.row.uuid : l.record.uuid);

/** A seeded random source, so that a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function instance(uuid: string, project: string, n: number, r: () => number): Omit<InstanceRow, 'id'> {
  const created = new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(r() * 20))).toISOString();
  return {
    uuid, project_id: project, user_id: 'u', display_name: `srv-${Math.floor(r() * 6)}`, display_description: null, hostname: `h${n}`,
    host: r() < 0.5 ? 'compute-1' : null, node: null, availability_zone: null, vm_state: r() < 0.7 ? 'active' : 'stopped', task_state: null,
    power_state: 1, flavor: JSON.stringify({ flavorid: r() < 0.5 ? '1' : '2', name: 'f', vcpus: 1, memory_mb: 64, root_gb: 1, ephemeral_gb: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null, extra_specs: {} }),
    old_flavor: null, new_flavor: null, image_ref: 'img', key_name: r() < 0.5 ? null : 'k', key_data: null, user_data: null, config_drive: '',
    access_ip_v4: null, access_ip_v6: null, locked: 0, locked_by: null, locked_reason: null, reservation_id: 'r-1', launch_index: Math.floor(r() * 3),
    root_device_name: null, kernel_id: '', ramdisk_id: '', progress: 0, security_groups: '[]', created_at: created, updated_at: created,
    launched_at: null, terminated_at: null, deleted_at: null, deleted: r() < 0.1 ? 1 : 0,
  };
}

describe('compute: listing across cells', () => {
  let dir = '';
  let store: ServiceStore;
  let cells: Cells;
  let api: ComputeApi;
  const all: (Omit<InstanceRow, 'id'> & { cell: string })[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-compute-list-'));
    const config = loadConfig({ env: {}, overrides: { dataDir: dir, logLevel: 'silent' } });
    store = openStore(dir, 'compute', apiMigrations, config.release);
    cells = new Cells(store, dir, config.release, createLogger('silent'), readTopology({ cells: 3 }));
    api = { store, cells } as unknown as ComputeApi;
    const r = rng(42);
    const names = ['cell1', 'cell2', 'cell3'];
    for (let n = 0; n < 90; n++) {
      const uuid = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
      const cellName = names[Math.floor(r() * 3)];
      const cell = cells.named(cellName)!;
      const row = instance(uuid, n % 4 === 0 ? 'other' : 'p', n, r);
      insertInstance(cell.db, row);
      store.db.prepare('INSERT INTO instance_mappings (instance_uuid, cell_id, project_id, user_id, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(uuid, cell.id, row.project_id, row.user_id, row.created_at);
      all.push({ ...row, cell: cellName });
    }
    // Two build requests (not yet in a cell): always listed first.
    for (const n of [200, 201]) {
      const uuid = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
      const b = { ...instance(uuid, 'p', n, r), vm_state: 'building', task_state: 'scheduling', deleted: 0, metadata: {}, tags: [] };
      store.db.prepare('INSERT INTO instance_mappings (instance_uuid, cell_id, project_id, user_id, created_at) VALUES (?, NULL, ?, ?, ?)').run(uuid, 'p', 'u', b.created_at);
      store.db.prepare('INSERT INTO build_requests (instance_uuid, project_id, instance, created_at) VALUES (?, ?, ?, ?)').run(uuid, 'p', JSON.stringify(b), b.created_at);
    }
  });
  after(() => {
    cells?.close();
    store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sorts: SortKey[][] = [
    [],
    [{ key: 'display_name', dir: 'asc' }],
    [{ key: 'display_name', dir: 'desc' }, { key: 'launch_index', dir: 'asc' }],
    [{ key: 'host', dir: 'asc' }],
    [{ key: 'key_name', dir: 'desc' }],
  ];

  it('every page concatenation equals the sorted whole, for every sort and page size', () => {
    for (const sort of sorts) {
      const full = fullSort(sort);
      const expected = all.filter((x) => x.project_id === 'p' && !x.deleted)
        .sort((a, b) => compareRows(full, a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>))
        .map((x) => x.uuid);
      for (const limit of [1, 2, 7, 25, 1000]) {
        const seen: string[] = [];
        let marker: string | undefined;
        for (let guard = 0; guard < 200; guard++) {
          const page = listServers(api, { filter: { projectId: 'p', deleted: false }, sort, limit, marker, cellDownSupport: false });
          assert.ok(page.length <= limit);
          seen.push(...page.map(idOf));
          if (page.length < limit) break;
          marker = idOf(page[page.length - 1]);
        }
        const builds = seen.slice(0, 2);
        assert.deepEqual(builds.sort(), ['00000000-0000-4000-8000-0000000000c8', '00000000-0000-4000-8000-0000000000c9'], `builds first (limit ${limit})`);
        assert.deepEqual(seen.slice(2), expected, `sort ${JSON.stringify(sort)} limit ${limit}`);
      }
    }
  });

  it('filters apply in every cell, deleted ones only when asked', () => {
    const got = listServers(api, { filter: { projectId: 'p', deleted: false, flavor: '2', name: '^srv-[12]$' }, sort: [], limit: 1000, cellDownSupport: false })
      .filter((l) => l.kind === 'instance').map(idOf).sort();
    const want = all.filter((x) => x.project_id === 'p' && !x.deleted && JSON.parse(x.flavor).flavorid === '2' && /^srv-[12]$/.test(x.display_name)).map((x) => x.uuid).sort();
    assert.deepEqual(got, want);
    const deleted = listServers(api, { filter: { projectId: undefined, deleted: true }, sort: [], limit: 1000, cellDownSupport: false }).map(idOf).sort();
    assert.deepEqual(deleted, all.filter((x) => x.deleted).map((x) => x.uuid).sort());
  });

  it('name patterns are regular expressions, except those that do not compile or could backtrack for ever', () => {
    assert.ok(filterRegExp('^srv-[12]$').test('srv-1'));
    assert.ok(!filterRegExp('(a+)+$').test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'));
    assert.ok(filterRegExp('(a+)+$').test('x(a+)+$'));
    assert.ok(filterRegExp('a(').test('ba(c'));
  });

  it('an unknown marker is a 400', () => {
    assert.throws(() => listServers(api, { filter: { projectId: 'p' }, sort: [], limit: 5, marker: 'nope', cellDownSupport: false }),
      (e: { status: number; message: string }) => e.status === 400 && e.message === 'marker [nope] not found');
  });

  it('a down cell is skipped below 2.69 and gives partial records from its mappings at 2.69+', () => {
    const cell2 = cells.named('cell2')!;
    cells.setDown(cell2, true);
    try {
      const live = all.filter((x) => x.project_id === 'p' && !x.deleted);
      const skipped = listServers(api, { filter: { projectId: 'p', deleted: false }, sort: [], limit: 1000, cellDownSupport: false });
      assert.deepEqual(skipped.filter((l) => l.kind === 'instance').map(idOf).sort(), live.filter((x) => x.cell !== 'cell2').map((x) => x.uuid).sort());
      assert.ok(!skipped.some((l) => l.kind === 'down'));
      const partial = listServers(api, { filter: { projectId: 'p', deleted: false }, sort: [], limit: 1000, cellDownSupport: true });
      // Partial records come from the mappings of that cell and project (deleted instances included: the mapping does not know).
      const down = partial.filter((l) => l.kind === 'down').map(idOf).sort();
      assert.deepEqual(down, all.filter((x) => x.project_id === 'p' && x.cell === 'cell2').map((x) => x.uuid).sort());
    } finally {
      cells.setDown(cell2, false);
    }
  });
});
