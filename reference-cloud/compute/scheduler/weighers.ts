/**
 * Nova's default weighers that matter here: the RAM weigher (most free RAM first: Nova spreads by
 * default) and the server group soft-affinity / soft-anti-affinity weighers (members of the
 * group on the host, counted for or against it). Each weigher's weights are normalised to [0, 1]
 * over the candidate hosts and multiplied by its multiplier (1.0 each, Nova's defaults).
 */
import type { HostWeigher } from './filter';

export const ramWeigher: HostWeigher = {
  name: 'RAMWeigher',
  multiplier: 1.0,
  weigh: (host) => host.freeRamMb,
};

export const softAffinityWeigher: HostWeigher = {
  name: 'ServerGroupSoftAffinityWeigher',
  multiplier: 1.0,
  weigh: (host, { group }) => (group?.policy === 'soft-affinity' ? group.memberCounts.get(host.host) ?? 0 : 0),
};

export const softAntiAffinityWeigher: HostWeigher = {
  name: 'ServerGroupSoftAntiAffinityWeigher',
  multiplier: 1.0,
  weigh: (host, { group }) => (group?.policy === 'soft-anti-affinity' ? -(group.memberCounts.get(host.host) ?? 0) : 0),
};

/** nova.weights.normalize: (x - min) / (max - min), all 0 when every value is the same. */
export function normalize(values: number[]): number[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (min === max) return values.map(() => 0);
  return values.map((v) => (v - min) / (max - min));
}
