/**
 * Flavor extra spec validation as Nova does it from microversion 2.86
 * (nova/api/validation/extra_specs): a spec of a known name is checked against its definition; a
 * spec of an unknown name in a namespace Nova owns is refused; anything else (custom:..., no
 * namespace) is accepted. The registry below holds the commonly used definitions of Nova's.
 */

type ValueSpec =
  | { type: 'enum'; values: string[] }
  | { type: 'int'; min?: number; max?: number }
  | { type: 'bool' }
  | { type: 'str'; pattern?: RegExp };

interface SpecDef {
  /** The full name, or a pattern for names with embedded parameters. */
  name: string | RegExp;
  value: ValueSpec;
}

const bool: ValueSpec = { type: 'bool' };
const uint: ValueSpec = { type: 'int', min: 0 };
const posint: ValueSpec = { type: 'int', min: 1 };
const enumOf = (...values: string[]): ValueSpec => ({ type: 'enum', values });

const DEFS: SpecDef[] = [
  { name: 'hw:cpu_policy', value: enumOf('dedicated', 'shared', 'mixed') },
  { name: 'hw:cpu_thread_policy', value: enumOf('prefer', 'isolate', 'require') },
  { name: 'hw:emulator_threads_policy', value: enumOf('share', 'isolate') },
  { name: 'hw:cpu_sockets', value: posint },
  { name: 'hw:cpu_cores', value: posint },
  { name: 'hw:cpu_threads', value: posint },
  { name: 'hw:cpu_max_sockets', value: posint },
  { name: 'hw:cpu_max_cores', value: posint },
  { name: 'hw:cpu_max_threads', value: posint },
  { name: 'hw:cpu_realtime', value: bool },
  { name: 'hw:cpu_realtime_mask', value: { type: 'str', pattern: /^\^?\d+(-\d+)?(,\^?\d+(-\d+)?)*$/ } },
  { name: 'hw:cpu_dedicated_mask', value: { type: 'str', pattern: /^\^?\d+(-\d+)?(,\^?\d+(-\d+)?)*$/ } },
  { name: 'hw:mem_page_size', value: { type: 'str', pattern: /^(large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)$/ } },
  { name: 'hw:numa_nodes', value: posint },
  { name: /^hw:numa_cpus\.\d+$/, value: { type: 'str', pattern: /^\^?\d+(-\d+)?(,\^?\d+(-\d+)?)*$/ } },
  { name: /^hw:numa_mem\.\d+$/, value: uint },
  { name: 'hw:watchdog_action', value: enumOf('none', 'pause', 'poweroff', 'reset', 'disabled') },
  { name: 'hw:boot_menu', value: bool },
  { name: 'hw:hide_hypervisor_id', value: bool },
  { name: 'hw:pmu', value: bool },
  { name: 'hw:mem_encryption', value: bool },
  { name: 'hw:vif_multiqueue_enabled', value: bool },
  { name: 'hw:locked_memory', value: bool },
  { name: 'hw:virtio_packed_ring', value: bool },
  { name: 'hw:serial_port_count', value: uint },
  { name: 'hw:tpm_version', value: enumOf('1.2', '2.0') },
  { name: 'hw:tpm_model', value: enumOf('tpm-tis', 'tpm-crb') },
  { name: 'hw:pci_numa_affinity_policy', value: enumOf('required', 'preferred', 'legacy', 'socket') },
  { name: 'hw:maxphysaddr_mode', value: enumOf('emulate', 'passthrough') },
  { name: 'hw:maxphysaddr_bits', value: posint },
  { name: 'hw:vtpm_version', value: enumOf('1.2', '2.0') },
  { name: 'hw_rng:allowed', value: bool },
  { name: 'hw_rng:rate_bytes', value: uint },
  { name: 'hw_rng:rate_period', value: uint },
  { name: 'hw_video:ram_max_mb', value: uint },
  { name: /^quota:(cpu_shares|cpu_period|cpu_quota|cpu_limit|cpu_reservation|disk_read_bytes_sec|disk_read_iops_sec|disk_write_bytes_sec|disk_write_iops_sec|disk_total_bytes_sec|disk_total_iops_sec|disk_io_limit|disk_io_reservation|disk_io_shares_share|memory_limit|memory_reservation|memory_shares_share|vif_average_bandwidth|vif_peak_bandwidth|vif_burst|vif_inbound_average|vif_inbound_peak|vif_inbound_burst|vif_outbound_average|vif_outbound_peak|vif_outbound_burst|vif_limit|vif_reservation|vif_shares_share)$/, value: uint },
  { name: /^quota:(cpu_shares_level|disk_io_shares_level|memory_shares_level|vif_shares_level)$/, value: enumOf('custom', 'high', 'normal', 'low') },
  { name: /^resources([a-zA-Z0-9_-]{1,64})?:[A-Z0-9_]+$/, value: uint },
  { name: /^trait([a-zA-Z0-9_-]{1,64})?:[A-Z0-9_]+$/, value: enumOf('required', 'forbidden') },
  { name: /^group_policy$/, value: enumOf('none', 'isolate') },
  { name: 'os:secure_boot', value: enumOf('required', 'disabled', 'optional') },
  { name: 'os:monitors', value: posint },
  { name: 'accel:device_profile', value: { type: 'str' } },
  { name: 'pci_passthrough:alias', value: { type: 'str', pattern: /^[^:,]+:\d+(,[^:,]+:\d+)*$/ } },
  { name: /^aggregate_instance_extra_specs:.+$/, value: { type: 'str' } },
  { name: /^capabilities:.+$/, value: { type: 'str' } },
];

/** Namespaces Nova owns: an unknown spec in them is refused. */
const NAMESPACES = [
  /^accel$/, /^aggregate_instance_extra_specs$/, /^capabilities$/, /^hw$/, /^hw_rng$/, /^hw_video$/, /^os$/,
  /^pci_passthrough$/, /^powervm$/, /^quota$/, /^resources([a-zA-Z0-9_-]{1,64})?$/, /^trait([a-zA-Z0-9_-]{1,64})?$/, /^vmware$/,
];

const BOOL_STRINGS = /^(1|t|true|on|y|yes|0|f|false|off|n|no)$/i;

/** Nova's message for a spec that fails validation, or undefined when it passes. */
export function extraSpecProblem(name: string, value: string): string | undefined {
  const def = DEFS.find((d) => (typeof d.name === 'string' ? d.name === name : d.name.test(name)));
  if (!def) {
    if (!name.includes(':')) return undefined;
    const ns = name.split(':', 1)[0];
    if (!NAMESPACES.some((re) => re.test(ns))) return undefined;
    return `Validation failed; extra spec '${name}' does not appear to be a valid extra spec.`;
  }
  const v = def.value;
  switch (v.type) {
    case 'enum':
      return v.values.includes(value) ? undefined : `Validation failed; '${value}' is not one of: ${v.values.join(', ')}.`;
    case 'bool':
      return BOOL_STRINGS.test(value) ? undefined : `Validation failed; '${value}' is not a valid boolean-like value.`;
    case 'int': {
      if (!/^\s*[-+]?\d+\s*$/.test(value)) return `Validation failed; '${value}' is not a valid integer value.`;
      const n = Number(value);
      if (v.min !== undefined && n < v.min) return `Validation failed; '${n}' is less than the minimum allowed value of ${v.min}.`;
      if (v.max !== undefined && n > v.max) return `Validation failed; '${n}' is greater than the maximum allowed value of ${v.max}.`;
      return undefined;
    }
    case 'str':
      return !v.pattern || v.pattern.test(value) ? undefined : `Validation failed; '${value}' is not a valid value for '${name}'.`;
  }
}
