/** network-ip-availabilities: used and total addresses per subnet and network, as exact integers
 * (an IPv6 /64 holds 2^64 - 1 pool addresses, more than a JavaScript number keeps). */
import type { NetworkBackend } from './backend';
import { poolRanges } from './ipam';

export function ipAvailability(b: NetworkBackend, query: Record<string, string | string[]>, only?: string): string[] {
  const nets = only ? [b.coll('networks').find(only)!] : b.coll('networks').list({ filters: {}, sortKeys: [], sortDirs: [], pageReverse: false });
  const want = (k: string) => { const v = query[k]; return v === undefined ? undefined : [v].flat(); };
  return nets
    .filter((n) => !want('network_id') || want('network_id')!.includes(n.id))
    .filter((n) => !want('network_name') || want('network_name')!.includes(String(n.name)))
    .filter((n) => !want('project_id') || want('project_id')!.includes(n.project_id))
    .filter((n) => !want('ip_version') || b.coll('subnets').where('network_id', n.id).some((s) => want('ip_version')!.includes(String(s.ip_version))))
    .map((n) => {
      let used = 0, total = 0n;
      const subnets = b.coll('subnets').where('network_id', n.id).map((s) => {
        const u = b.ipam.usedCount(s.id);
        const t = poolRanges(s).reduce((acc, r) => acc + (r.end - r.start + 1n), 0n);
        used += u;
        total += t;
        return `{"subnet_id":${JSON.stringify(s.id)},"ip_version":${s.ip_version},"cidr":${JSON.stringify(s.cidr)},"subnet_name":${JSON.stringify(s.name)},"used_ips":${u},"total_ips":${t}}`;
      });
      return `{"network_id":${JSON.stringify(n.id)},"network_name":${JSON.stringify(n.name)},"tenant_id":${JSON.stringify(n.project_id)},"project_id":${JSON.stringify(n.project_id)},"subnet_ip_availability":[${subnets.join(',')}],"used_ips":${used},"total_ips":${total}}`;
    });
}
