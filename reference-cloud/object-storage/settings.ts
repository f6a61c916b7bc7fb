/**
 * Swift's constraints (swift.conf [swift-constraints]) and middleware options, as the reference
 * cloud enforces them and as GET /info reports them. Defaults are Swift's; the `object_storage:`
 * mapping of the cloud configuration overrides them (e.g. `max_file_size: 1073741824`).
 */
import { ConfigError } from '../core/config';

export interface SwiftSettings {
  maxFileSize: number;
  maxMetaNameLength: number;
  maxMetaValueLength: number;
  maxMetaCount: number;
  maxMetaOverallSize: number;
  maxHeaderSize: number;
  maxObjectNameLength: number;
  containerListingLimit: number;
  accountListingLimit: number;
  maxAccountNameLength: number;
  maxContainerNameLength: number;
  extraHeaderCount: number;
  /** The Swift version /info reports. */
  version: string;
  /** Storage policies: the first is the default. */
  policies: { name: string; aliases: string[] }[];
  /** Operator roles of keystoneauth (users with them own their project's account). */
  operatorRoles: string[];
  /**
   * keystoneauth's project_reader_roles (GET/HEAD of the project's account without ownership).
   * Empty by default, as Zed ships it and the lab runs it: a reader-only user is refused.
   */
  projectReaderRoles: string[];
  resellerAdminRole: string;
  resellerPrefix: string;
  slo: { maxManifestSegments: number; maxManifestSize: number; minSegmentSize: number; yieldFrequency: number };
  bulk: { maxDeletesPerRequest: number; maxFailedDeletes: number; maxContainersPerExtraction: number; maxFailedExtractions: number };
  tempurl: { methods: string[]; allowedDigests: string[]; deprecatedDigests: string[] };
  /** How often the object expirer sweeps expired objects out of listings, ms (0: never). */
  expirerIntervalMs: number;
}

export function defaultSettings(): SwiftSettings {
  return {
    maxFileSize: 5_368_709_122,
    maxMetaNameLength: 128,
    maxMetaValueLength: 256,
    maxMetaCount: 90,
    maxMetaOverallSize: 4096,
    maxHeaderSize: 8192,
    maxObjectNameLength: 1024,
    containerListingLimit: 10_000,
    accountListingLimit: 10_000,
    maxAccountNameLength: 256,
    maxContainerNameLength: 256,
    extraHeaderCount: 0,
    version: '2.30.1',
    policies: [{ name: 'Policy-0', aliases: ['yellow', 'orange'] }],
    operatorRoles: ['admin', 'member'],
    projectReaderRoles: [],
    resellerAdminRole: 'ResellerAdmin',
    resellerPrefix: 'AUTH_',
    slo: { maxManifestSegments: 1000, maxManifestSize: 8_388_608, minSegmentSize: 1, yieldFrequency: 10 },
    bulk: { maxDeletesPerRequest: 10_000, maxFailedDeletes: 1000, maxContainersPerExtraction: 10_000, maxFailedExtractions: 1000 },
    tempurl: { methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], allowedDigests: ['sha1', 'sha256', 'sha512'], deprecatedDigests: ['sha1'] },
    expirerIntervalMs: 300_000,
  };
}

const NUMERIC: Record<string, keyof SwiftSettings> = {
  max_file_size: 'maxFileSize', max_meta_name_length: 'maxMetaNameLength', max_meta_value_length: 'maxMetaValueLength',
  max_meta_count: 'maxMetaCount', max_meta_overall_size: 'maxMetaOverallSize', max_header_size: 'maxHeaderSize',
  max_object_name_length: 'maxObjectNameLength', container_listing_limit: 'containerListingLimit',
  account_listing_limit: 'accountListingLimit', max_account_name_length: 'maxAccountNameLength',
  max_container_name_length: 'maxContainerNameLength', expirer_interval_ms: 'expirerIntervalMs',
};

/** Settings from the configuration's `object_storage:` mapping. */
export function readSettings(raw: Record<string, unknown> | undefined): SwiftSettings {
  const s = defaultSettings();
  for (const [key, value] of Object.entries(raw ?? {})) {
    const field = NUMERIC[key];
    if (!field) throw new ConfigError(`object_storage: unknown setting "${key}" (known: ${Object.keys(NUMERIC).join(', ')})`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new ConfigError(`object_storage.${key} must be a non-negative integer`);
    }
    (s as unknown as Record<string, number>)[field] = value;
  }
  return s;
}
