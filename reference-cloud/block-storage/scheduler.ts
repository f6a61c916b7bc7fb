/**
 * The volume scheduler, as Cinder's filter scheduler with its default filters and weigher:
 * AvailabilityZoneFilter (the backend's zone), CapacityFilter (free = total - allocated must hold
 * the size; thin provisioning is not modelled), CapabilitiesFilter (every unscoped or
 * `capabilities:` extra spec must match the backend's capability with cinder's extra_specs_ops),
 * then CapacityWeigher: the most free space wins.
 */
import type { ServiceStore } from '../core/store';
import type { VolumeScheduler } from './context';

interface BackendRow {
  host: string;
  availability_zone: string;
  total_capacity_gb: number;
  allocated_gb: number;
  capabilities: string;
}

export function createScheduler(store: ServiceStore): VolumeScheduler {
  return {
    pick(size, zone, extraSpecs) {
      const rows = store.db.prepare('SELECT host, availability_zone, total_capacity_gb, allocated_gb, capabilities FROM backends WHERE disabled = 0 ORDER BY host').all() as BackendRow[];
      let best: BackendRow | undefined;
      for (const b of rows) {
        if (b.availability_zone !== zone) continue;
        const free = b.total_capacity_gb - b.allocated_gb;
        if (free < size) continue;
        if (!satisfies(JSON.parse(b.capabilities) as Record<string, unknown>, extraSpecs)) continue;
        if (!best || free > best.total_capacity_gb - best.allocated_gb) best = b;
      }
      return best?.host;
    },
  };
}

/** CapabilitiesFilter._satisfies_extra_specs. */
export function satisfies(capabilities: Record<string, unknown>, extraSpecs: Record<string, string>): boolean {
  for (const [key, req] of Object.entries(extraSpecs)) {
    const scope = key.split(':');
    let name = key;
    if (scope.length > 1) {
      if (scope[0] !== 'capabilities') continue;
      name = scope.slice(1).join(':');
    }
    const cap = capabilities[name];
    if (cap === undefined || cap === null) return false;
    if (!matchSpec(cap, req)) return false;
  }
  return true;
}

/** cinder.scheduler.filters.extra_specs_ops.match. */
export function matchSpec(value: unknown, req: string): boolean {
  const words = req.split(/\s+/).filter((w) => w !== '');
  const op = words[0];
  const capStr = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
  const num = (s: string) => Number(s);
  if (words.length === 0) return capStr === req;
  switch (op) {
    case '<is>':
      return words.length > 1 && capStr.toLowerCase() === words[1].toLowerCase();
    case '<in>':
      return words.length > 1 && capStr.includes(words[1]);
    case '<all-in>': {
      if (!Array.isArray(value)) return false;
      return words.slice(1).every((w) => (value as unknown[]).map(String).includes(w));
    }
    case '<or>': {
      const options = words.slice(1).filter((_w, i) => i % 2 === 0);
      return options.includes(capStr);
    }
    case '=':
      return words.length > 1 && num(capStr) >= num(words[1]);
    case '==':
      return words.length > 1 && num(capStr) === num(words[1]);
    case '!=':
      return words.length > 1 && num(capStr) !== num(words[1]);
    case '>=':
      return words.length > 1 && num(capStr) >= num(words[1]);
    case '<=':
      return words.length > 1 && num(capStr) <= num(words[1]);
    case 's==':
      return words.length > 1 && capStr === words[1];
    case 's!=':
      return words.length > 1 && capStr !== words[1];
    case 's<':
      return words.length > 1 && capStr < words[1];
    case 's<=':
      return words.length > 1 && capStr <= words[1];
    case 's>':
      return words.length > 1 && capStr > words[1];
    case 's>=':
      return words.length > 1 && capStr >= words[1];
    default:
      return capStr === req;
  }
}
