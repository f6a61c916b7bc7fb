import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTopology } from '../../../reference-cloud/compute/topology';
import { Cells, CellDown, CELL0_UUID } from '../../../reference-cloud/compute/cells';
import { openStore } from '../../../reference-cloud/core/store';
import { apiMigrations } from '../../../reference-cloud/compute/migrations';
import { createLogger } from '../../../reference-cloud/core/logging';
import { ConfigError } from '../../../reference-cloud/core/config';

describe('compute topology', () => {
  it('defaults to 2 cells, 2 zones and 4 hosts with a host of each zone in each cell', () => {
    const t = readTopology(undefined);
    assert.deepEqual(t.cells, ['cell1', 'cell2']);
    assert.deepEqual(t.zones, ['nova', 'az2']);
    assert.equal(t.defaultZone, 'nova');
    assert.deepEqual(t.hosts.map((h) => `${h.name}@${h.cell}/${h.zone}`), [
      'compute-1@cell1/nova', 'compute-2@cell1/az2', 'compute-3@cell2/nova', 'compute-4@cell2/az2',
    ]);
    assert.deepEqual(t.ratios, { cpu: 4, ram: 1, disk: 1 });
    assert.equal(t.reservedHostMemoryMb, 512);
  });

  it('takes explicit hosts, sizes and ratios', () => {
    const t = readTopology({
      cells: 1, host_size: { vcpus: 8 }, allocation_ratios: { cpu: 16 },
      hosts: [{ name: 'big', zone: 'fast', ram_mb: 1024 }, { name: 'small' }],
    });
    assert.deepEqual(t.hosts, [
      { name: 'big', cell: 'cell1', zone: 'fast', vcpus: 8, ramMb: 1024, diskGb: 1000 },
      { name: 'small', cell: 'cell1', zone: 'az2', vcpus: 8, ramMb: 65536, diskGb: 1000 },
    ]);
    assert.ok(t.zones.includes('fast'));
    assert.equal(t.ratios.cpu, 16);
  });

  it('refuses what it cannot honour, naming the setting', () => {
    assert.throws(() => readTopology({ cells: 0 }), (e: Error) => e instanceof ConfigError && /compute\.cells/.test(e.message));
    assert.throws(() => readTopology({ hosts: [{ name: 'a' }, { name: 'a' }] }), /listed twice/);
    assert.throws(() => readTopology({ hosts: [{ name: 'a', cell: 'cell9' }] }), /no cell "cell9"/);
    assert.throws(() => readTopology({ hosts: [{ name: '../etc' }] }), /must be a name/);
    assert.throws(() => readTopology({ allocation_ratios: { ram: -1 } }), /allocation_ratios\.ram/);
    assert.throws(() => readTopology({ colour: 'blue' }), /unknown setting "colour"/);
  });
});

describe('cells', () => {
  it('opens cell0 and the topology cells once, maps hosts and instances, and keeps a cell down across a reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-cells-'));
    try {
      const log = createLogger('silent');
      const topology = readTopology(undefined);
      let api = openStore(dir, 'compute', apiMigrations, '2025.2');
      let cells = new Cells(api, dir, '2025.2', log, topology);
      assert.deepEqual(cells.all().map((c) => c.name), ['cell0', 'cell1', 'cell2']);
      assert.equal(cells.cell0.uuid, CELL0_UUID);
      const cell2 = cells.named('cell2')!;
      cells.mapHost('compute-3', cell2);
      assert.equal(cells.ofHost('compute-3')?.name, 'cell2');
      api.db.prepare("INSERT INTO instance_mappings (instance_uuid, cell_id, project_id, user_id, created_at) VALUES ('i-1', ?, 'p', 'u', 'now'), ('i-2', NULL, 'p', 'u', 'now')").run(cell2.id);
      assert.equal(cells.ofInstance('i-1')?.name, 'cell2');
      assert.equal(cells.ofInstance('i-2'), null);
      assert.equal(cells.ofInstance('i-3'), undefined);
      cells.setDown(cell2, true);
      assert.throws(() => cell2.db, CellDown);
      assert.throws(() => cell2.tx(() => 1), CellDown);
      const uuids = cells.all().map((c) => c.uuid);
      cells.close();
      api.close();

      api = openStore(dir, 'compute', apiMigrations, '2025.2');
      cells = new Cells(api, dir, '2025.2', log, topology);
      assert.deepEqual(cells.all().map((c) => c.uuid), uuids, 'cell uuids are stable across restarts');
      assert.equal(cells.named('cell2')!.down, true, 'a cell taken down stays down after a restart');
      cells.setDown(cells.named('cell2')!, false);
      assert.deepEqual(cells.named('cell2')!.db.prepare('SELECT count(*) AS n FROM instances').get(), { n: 0 });
      cells.close();
      api.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
