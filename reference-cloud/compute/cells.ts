/**
 * Cells v2. The API database maps cells, hosts and instances; each cell has its own database and
 * its own work queue (its conductor); cell0 holds instances that failed to schedule and has no
 * hosts. The control plane can take a cell down: its database then answers nothing, as when a
 * real cell's database or message queue is unreachable, and every read of it throws CellDown.
 */
import type { Logger } from 'pino';
import { openStore, type Db, type ServiceStore } from '../core/store';
import { WorkQueue } from '../core/work-queue';
import { uuid } from '../core/ids';
import { cellMigrations } from './migrations';
import type { Topology } from './topology';

export const CELL0 = 'cell0';
/** Nova's fixed uuid of cell0 (nova.objects.CellMapping.CELL0_UUID). */
export const CELL0_UUID = '00000000-0000-0000-0000-000000000000';

/** A cell's database could not be reached. */
export class CellDown extends Error {
  readonly cell: string;

  constructor(cell: string) {
    super(`cell ${cell} is down`);
    this.name = 'CellDown';
    this.cell = cell;
  }
}

export class Cell {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  /** This cell's conductor: builds, actions and deletes of its instances run here. */
  readonly queue: WorkQueue;
  private readonly store: ServiceStore;
  private readonly cells: Cells;

  constructor(cells: Cells, row: { id: number; uuid: string; name: string }, store: ServiceStore, queue: WorkQueue) {
    this.cells = cells;
    this.id = row.id;
    this.uuid = row.uuid;
    this.name = row.name;
    this.store = store;
    this.queue = queue;
  }

  get isCell0(): boolean {
    return this.name === CELL0;
  }

  get down(): boolean {
    return this.cells.isDown(this);
  }

  /** The cell's database; throws CellDown while the cell is down. */
  get db(): Db {
    if (this.down) throw new CellDown(this.name);
    return this.store.db;
  }

  /** One IMMEDIATE transaction on the cell's database; throws CellDown while the cell is down. */
  tx<T>(fn: (db: Db) => T): T {
    if (this.down) throw new CellDown(this.name);
    return this.store.tx(() => fn(this.store.db));
  }

  /** The store, down or not: for the queue and for closing. */
  get rawStore(): ServiceStore {
    return this.store;
  }
}

export class Cells {
  private readonly api: ServiceStore;
  private readonly byName = new Map<string, Cell>();
  private readonly byId = new Map<number, Cell>();
  private readonly downCache = new Map<number, boolean>();

  /** Opens (creating when new) cell0 and the topology's cells, and maps the topology's hosts. */
  constructor(api: ServiceStore, dataDir: string, release: string, log: Logger, topology: Topology) {
    this.api = api;
    const names = [CELL0, ...topology.cells];
    api.tx(() => {
      for (const name of names) {
        api.db.prepare('INSERT INTO cell_mappings (uuid, name) VALUES (?, ?) ON CONFLICT (name) DO NOTHING')
          .run(name === CELL0 ? CELL0_UUID : uuid(), name);
      }
    });
    const rows = api.db.prepare('SELECT id, uuid, name, down FROM cell_mappings ORDER BY id').all() as { id: number; uuid: string; name: string; down: number }[];
    for (const row of rows) {
      const store = openStore(dataDir, `compute-${row.name}`, cellMigrations, release);
      const cell = new Cell(this, row, store, new WorkQueue(store, log.child({ cell: row.name })));
      this.byName.set(row.name, cell);
      this.byId.set(row.id, cell);
      this.downCache.set(row.id, row.down === 1);
    }
  }

  /** Every cell, cell0 first. */
  all(): Cell[] {
    return [...this.byId.values()];
  }

  /** The cells that have hosts (all but cell0). */
  withHosts(): Cell[] {
    return this.all().filter((c) => !c.isCell0);
  }

  get cell0(): Cell {
    return this.byName.get(CELL0)!;
  }

  named(name: string): Cell | undefined {
    return this.byName.get(name);
  }

  withId(id: number): Cell | undefined {
    return this.byId.get(id);
  }

  /** The cell a compute host belongs to (host_mappings). */
  ofHost(host: string): Cell | undefined {
    const row = this.api.db.prepare('SELECT cell_id FROM host_mappings WHERE host = ?').get(host) as { cell_id: number } | undefined;
    return row ? this.byId.get(row.cell_id) : undefined;
  }

  /** Maps a host to a cell (nova-manage cell_v2 discover_hosts). */
  mapHost(host: string, cell: Cell): void {
    this.api.db.prepare('INSERT INTO host_mappings (host, cell_id) VALUES (?, ?) ON CONFLICT (host) DO UPDATE SET cell_id = excluded.cell_id')
      .run(host, cell.id);
  }

  /**
   * Where an instance lives: its cell once scheduled, `null` while it is still a build request,
   * undefined when no such instance is mapped (never existed, or deleted and unmapped).
   */
  ofInstance(instanceUuid: string): Cell | null | undefined {
    const row = this.api.db.prepare('SELECT cell_id FROM instance_mappings WHERE instance_uuid = ?').get(instanceUuid) as { cell_id: number | null } | undefined;
    if (!row) return undefined;
    return row.cell_id === null ? null : this.byId.get(row.cell_id);
  }

  isDown(cell: Cell): boolean {
    return this.downCache.get(cell.id) ?? false;
  }

  /** The control plane's switch: a cell outage starts or ends. Persisted across restarts. */
  setDown(cell: Cell, down: boolean): void {
    this.api.db.prepare('UPDATE cell_mappings SET down = ? WHERE id = ?').run(down ? 1 : 0, cell.id);
    this.downCache.set(cell.id, down);
  }

  /** Starts every cell's conductor (runs what a previous process left queued). */
  start(): void {
    for (const c of this.all()) c.queue.start();
  }

  async idle(): Promise<void> {
    await Promise.all(this.all().map((c) => c.queue.idle()));
  }

  close(): void {
    for (const c of this.all()) {
      c.queue.close();
      c.rawStore.close();
    }
  }
}

