/** Timestamp formats as the services write them on the wire. */

/** Keystone token times: 2026-11-24T20:05:00.123456Z (microseconds, Z). */
export function isoMicros(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Nova `created`/`updated`: 2026-11-24T20:05:00Z (seconds, Z). */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Cinder created_at, Nova launched_at: 2026-11-24T20:05:00.123456 (microseconds, no zone). */
export function isoMicrosNaive(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}

/** Keystone resource timestamps such as password_expires_at: 2026-11-24T20:05:00.000000 */
export const keystoneDate = isoMicrosNaive;
