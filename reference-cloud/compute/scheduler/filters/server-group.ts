/**
 * ServerGroupAffinityFilter and ServerGroupAntiAffinityFilter: a server of an affinity group goes
 * where its group's members are (anywhere while there are none); one of an anti-affinity group
 * goes where fewer than max_server_per_host (rules, 2.64; 1 by default) members are.
 */
import type { HostFilter } from '../filter';

export const affinityFilter: HostFilter = {
  name: 'ServerGroupAffinityFilter',
  passes: (host, { group }) => {
    if (!group || group.policy !== 'affinity' || group.memberCounts.size === 0) return true;
    return group.memberCounts.has(host.host);
  },
};

export const antiAffinityFilter: HostFilter = {
  name: 'ServerGroupAntiAffinityFilter',
  passes: (host, { group }) => {
    if (!group || group.policy !== 'anti-affinity') return true;
    const max = group.rules.max_server_per_host ?? 1;
    return (group.memberCounts.get(host.host) ?? 0) < max;
  },
};
