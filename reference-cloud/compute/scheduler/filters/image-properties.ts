/**
 * ImagePropertiesFilter: the image's architecture, hypervisor type and VM mode (hw_architecture /
 * architecture, img_hv_type / hypervisor_type, hw_vm_mode / vm_mode) must be one the host's
 * driver supports (the fake driver: x86_64, fake, hvm), and img_hv_requested_version must be
 * satisfied by the hypervisor version.
 */
import type { HostFilter } from '../filter';

const ARCH_ALIASES: Record<string, string> = { amd64: 'x86_64', x64: 'x86_64', x86: 'i686', i386: 'i686', i486: 'i686', i586: 'i686', i686: 'i686', arm64: 'aarch64' };
const HV_ALIASES: Record<string, string> = { xapi: 'xen' };
const MODE_ALIASES: Record<string, string> = { pv: 'xen', hv: 'hvm', baremetal: 'hvm' };

const canon = (v: string | undefined, aliases: Record<string, string>): string | undefined => {
  if (!v) return undefined;
  const lower = v.toLowerCase();
  return aliases[lower] ?? lower;
};

/** oslo versionutils.convert_version_to_str: 1000 -> "1.0", 2011002 -> "2.11.2". */
export function versionString(v: number): string {
  const parts: number[] = [];
  for (let n = v; n !== 0; n = Math.floor(n / 1000)) parts.unshift(n % 1000);
  return parts.join('.');
}

const compareVersions = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/** Whether the hypervisor version satisfies a VersionPredicate such as ">= 1.0", "<2.0, !=1.5". */
function versionSatisfies(version: number, predicate: string): boolean {
  const have = versionString(version).split('.').map(Number);
  return predicate.split(',').map((p) => p.trim()).filter(Boolean).every((p) => {
    const m = /^(>=|<=|==|!=|>|<)?\s*(\d+(?:\.\d+)*)$/.exec(p);
    if (!m) return false;
    const c = compareVersions(have, m[2].split('.').map(Number));
    switch (m[1] ?? '==') {
      case '>=': return c >= 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      case '<': return c < 0;
      case '!=': return c !== 0;
      default: return c === 0;
    }
  });
}

export const imagePropertiesFilter: HostFilter = {
  name: 'ImagePropertiesFilter',
  passes: (host, { spec }) => {
    const props = spec.image?.properties ?? {};
    const wanted = [
      canon(props.hw_architecture ?? props.architecture, ARCH_ALIASES),
      canon(props.img_hv_type ?? props.hypervisor_type, HV_ALIASES),
      canon(props.hw_vm_mode ?? props.vm_mode, MODE_ALIASES),
    ];
    if (!wanted.some(Boolean)) return true;
    const requested = props.img_hv_requested_version;
    return host.supportedInstances.some((supported) =>
      wanted.every((w) => !w || supported.includes(w)) && (!requested || versionSatisfies(host.hypervisorVersion, requested)));
  },
};
