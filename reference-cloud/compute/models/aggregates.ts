/**
 * Host aggregates in the API database: a name, hosts and metadata; the `availability_zone`
 * metadata key makes the aggregate an availability zone.
 */
import { uuid } from '../../core/ids';
import type { Db } from '../../core/store';

export interface AggregateRow {
  id: number;
  uuid: string;
  name: string;
  created_at: string;
  updated_at: string | null;
}

export interface Aggregate extends AggregateRow {
  hosts: string[];
  metadata: Record<string, string>;
}

export function aggregateById(db: Db, id: number): AggregateRow | undefined {
  return db.prepare('SELECT * FROM aggregates WHERE id = ?').get(id) as AggregateRow | undefined;
}

export function aggregateByName(db: Db, name: string): AggregateRow | undefined {
  return db.prepare('SELECT * FROM aggregates WHERE name = ?').get(name) as AggregateRow | undefined;
}

export function aggregateHosts(db: Db, id: number): string[] {
  return (db.prepare('SELECT host FROM aggregate_hosts WHERE aggregate_id = ? ORDER BY rowid').all(id) as { host: string }[]).map((r) => r.host);
}

export function aggregateMetadata(db: Db, id: number): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM aggregate_metadata WHERE aggregate_id = ? ORDER BY rowid').all(id) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export function loadAggregate(db: Db, row: AggregateRow): Aggregate {
  return { ...row, hosts: aggregateHosts(db, row.id), metadata: aggregateMetadata(db, row.id) };
}

/** Every aggregate with hosts and metadata, in id order, in three queries. */
export function allAggregates(db: Db): Aggregate[] {
  const rows = db.prepare('SELECT * FROM aggregates ORDER BY id').all() as AggregateRow[];
  const byId = new Map<number, Aggregate>(rows.map((r) => [r.id, { ...r, hosts: [], metadata: {} }]));
  for (const h of db.prepare('SELECT aggregate_id, host FROM aggregate_hosts ORDER BY rowid').all() as { aggregate_id: number; host: string }[]) {
    byId.get(h.aggregate_id)?.hosts.push(h.host);
  }
  for (const m of db.prepare('SELECT aggregate_id, key, value FROM aggregate_metadata ORDER BY rowid').all() as { aggregate_id: number; key: string; value: string }[]) {
    const a = byId.get(m.aggregate_id);
    if (a) a.metadata[m.key] = m.value;
  }
  return [...byId.values()];
}

/** Creates an aggregate; the caller has checked the name is free. */
export function insertAggregate(db: Db, name: string, metadata: Record<string, string>, now: string): AggregateRow {
  const id = Number(db.prepare('INSERT INTO aggregates (uuid, name, created_at) VALUES (?, ?, ?)').run(uuid(), name, now).lastInsertRowid);
  setMetadata(db, id, metadata);
  return aggregateById(db, id)!;
}

/** The aggregate of that name, created with `metadata` when missing (bootstrap of zones). */
export function ensureAggregate(db: Db, name: string, metadata: Record<string, string>, now: string): AggregateRow {
  return aggregateByName(db, name) ?? insertAggregate(db, name, metadata, now);
}

/** Sets metadata keys; a null value removes the key (os-aggregates set_metadata). */
export function setMetadata(db: Db, id: number, metadata: Record<string, string | null>): void {
  const del = db.prepare('DELETE FROM aggregate_metadata WHERE aggregate_id = ? AND key = ?');
  const put = db.prepare('INSERT INTO aggregate_metadata (aggregate_id, key, value) VALUES (?, ?, ?) ON CONFLICT (aggregate_id, key) DO UPDATE SET value = excluded.value');
  for (const [k, v] of Object.entries(metadata)) {
    if (v === null) del.run(id, k);
    else put.run(id, k, v);
  }
}

/**
 * The zones other aggregates give to these hosts that differ from `zone` (Nova's
 * is_safe_to_update_az: "One or more hosts already in availability zone(s) [...]").
 */
export function conflictingZones(db: Db, aggregateId: number, hosts: string[], zone: string): string[] {
  if (hosts.length === 0) return [];
  const rows = db.prepare(
    `SELECT DISTINCT a.id, m.value FROM aggregates a JOIN aggregate_metadata m ON m.aggregate_id = a.id AND m.key = 'availability_zone'
     JOIN aggregate_hosts h ON h.aggregate_id = a.id
     WHERE a.id != ? AND h.host IN (${hosts.map(() => '?').join(', ')}) ORDER BY a.id`,
  ).all(aggregateId, ...hosts) as { id: number; value: string }[];
  return rows.map((r) => r.value).filter((v) => v !== zone);
}

/** host -> metadata of each aggregate it belongs to (the scheduler's aggregate filters), in one query. */
export function hostAggregateMetadata(db: Db): Map<string, Record<string, string>[]> {
  const rows = db.prepare(
    `SELECT h.host, h.aggregate_id, m.key, m.value FROM aggregate_hosts h JOIN aggregate_metadata m ON m.aggregate_id = h.aggregate_id
     ORDER BY h.host, h.aggregate_id`,
  ).all() as { host: string; aggregate_id: number; key: string; value: string }[];
  const out = new Map<string, Record<string, string>[]>();
  let lastKey = '';
  let current: Record<string, string> = {};
  for (const r of rows) {
    const key = `${r.host}\u0000${r.aggregate_id}`;
    if (key !== lastKey) {
      current = {};
      const list = out.get(r.host) ?? [];
      list.push(current);
      out.set(r.host, list);
      lastKey = key;
    }
    current[r.key] = r.value;
  }
  return out;
}
