/**
 * Availability zones are aggregate metadata: a host is in the zone named by the
 * `availability_zone` key of an aggregate it belongs to, else in the default zone ("nova").
 */
import type { Db } from '../../core/store';

export function hostZone(db: Db, host: string, defaultZone: string): string {
  const row = db.prepare(
    `SELECT m.value FROM aggregate_hosts h JOIN aggregate_metadata m ON m.aggregate_id = h.aggregate_id
     WHERE h.host = ? AND m.key = 'availability_zone' ORDER BY h.aggregate_id LIMIT 1`,
  ).get(host) as { value: string } | undefined;
  return row?.value ?? defaultZone;
}

/** Every host's zone in one query: host -> zone (hosts without an aggregate zone are absent). */
export function hostZones(db: Db): Map<string, string> {
  const rows = db.prepare(
    `SELECT h.host, m.value FROM aggregate_hosts h JOIN aggregate_metadata m ON m.aggregate_id = h.aggregate_id
     WHERE m.key = 'availability_zone' ORDER BY h.aggregate_id DESC`,
  ).all() as { host: string; value: string }[];
  return new Map(rows.map((r) => [r.host, r.value]));
}
