/** Which headers carry a microversion for a given catalog service type. */

/** Catalog service type -> the type named in `OpenStack-API-Version: <type> X`. */
const HEADER_TYPES: Record<string, string> = {
  compute: 'compute',
  'block-storage': 'volume',
  block_storage: 'volume',
  volume: 'volume',
  volumev2: 'volume',
  volumev3: 'volume',
  placement: 'placement',
  identity: 'identity',
  image: 'image',
  network: 'network',
  baremetal: 'baremetal',
  'shared-file-system': 'sharev2',
  sharev2: 'sharev2',
  share: 'sharev2',
  'container-infrastructure-management': 'container-infra',
  'container-infra': 'container-infra',
};

/** Legacy per-service header, keyed by header type. */
const LEGACY_HEADERS: Record<string, string> = {
  compute: 'X-OpenStack-Nova-API-Version',
  volume: 'X-OpenStack-Volume-API-Version',
  baremetal: 'X-OpenStack-Ironic-API-Version',
  sharev2: 'X-OpenStack-Manila-API-Version',
};

export function microversionHeaderType(serviceType: string): string {
  return HEADER_TYPES[serviceType] ?? serviceType;
}

/** The request headers that ask for `version` of `serviceType`. */
export function microversionHeaders(serviceType: string, version: string): Record<string, string> {
  const type = microversionHeaderType(serviceType);
  const headers: Record<string, string> = { 'OpenStack-API-Version': `${type} ${version}` };
  const legacy = LEGACY_HEADERS[type];
  if (legacy) headers[legacy] = version;
  return headers;
}
