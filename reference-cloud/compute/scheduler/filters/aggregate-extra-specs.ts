/**
 * AggregateInstanceExtraSpecsFilter: each flavor extra spec scoped
 * `aggregate_instance_extra_specs:<key>`, or unscoped, must be matched by the `<key>` metadata
 * of one of the host's aggregates (extra_specs_ops); specs of other scopes are not its business.
 */
import type { HostFilter } from '../filter';
import { matchExtraSpec } from '../extra-specs-ops';

const SCOPE = 'aggregate_instance_extra_specs';

export const aggregateExtraSpecsFilter: HostFilter = {
  name: 'AggregateInstanceExtraSpecsFilter',
  passes: (host, { spec }) => {
    for (const [rawKey, req] of Object.entries(spec.flavor.extra_specs ?? {})) {
      const colon = rawKey.indexOf(':');
      let key = rawKey;
      if (colon >= 0) {
        if (rawKey.slice(0, colon) !== SCOPE) continue;
        key = rawKey.slice(colon + 1);
      }
      const values = [...new Set(host.aggregates.map((m) => m[key]).filter((v): v is string => v !== undefined))];
      if (values.length === 0) return false;
      if (!values.some((v) => matchExtraSpec(v, req))) return false;
    }
    return true;
  },
};
