/**
 * Version discovery documents, read the way keystoneauth reads them
 * (keystoneauth1/discover.py: get_version_data, _get_discovery_url_choices).
 */

export type VersionStatus = 'CURRENT' | 'SUPPORTED' | 'DEPRECATED' | 'EXPERIMENTAL' | 'UNKNOWN';

export interface VersionInfo {
  /** As published, e.g. 'v2.1', 'v3.14'. */
  id: string;
  status: VersionStatus;
  /** Microversion bounds; absent when the version has no microversions. */
  minVersion?: string;
  maxVersion?: string;
  /** The version's `self` link, absolute, with a stripped project id added back. */
  url: string;
}

const VERSION_SEGMENT = /^v\d+(\.\d+)*$/i;

export function normaliseVersionStatus(s: unknown): VersionStatus {
  const up = typeof s === 'string' ? s.toUpperCase() : '';
  if (up === 'STABLE' || up === 'CURRENT') return 'CURRENT';
  if (up === 'SUPPORTED' || up === 'DEPRECATED' || up === 'EXPERIMENTAL') return up;
  return 'UNKNOWN';
}

export interface DiscoveryRoot {
  /** The unversioned root to GET, ending in '/'. */
  root: string;
  /** The project id removed from the end of the catalog URL, if any (e.g. 'AUTH_abc'). */
  projectSuffix?: string;
  /** The version segment found in the catalog URL, e.g. 'v2.1'. */
  versionSegment?: string;
}

/**
 * Strips a trailing project id (the token's, or anything after a version segment) and the
 * version segment from a catalog URL.
 */
export function discoveryRoot(catalogUrl: string, projectId?: string): DiscoveryRoot {
  const u = new URL(catalogUrl);
  const parts = u.pathname.replace(/\/+$/, '').split('/'); // ['', 'compute', 'v2.1']
  let projectSuffix: string | undefined;
  const last = parts[parts.length - 1] ?? '';
  if (projectId && parts.length > 1 && last.endsWith(projectId)) {
    projectSuffix = parts.pop();
  } else if (!projectId && parts.length > 2 && VERSION_SEGMENT.test(parts[parts.length - 2] ?? '')) {
    projectSuffix = parts.pop();
  }
  let versionSegment: string | undefined;
  for (let i = parts.length - 1; i > 0; i--) {
    if (VERSION_SEGMENT.test(parts[i]!)) {
      versionSegment = parts[i];
      parts.length = i;
      break;
    }
  }
  const path = `${parts.join('/')}/`;
  const result: DiscoveryRoot = { root: `${u.origin}${path.startsWith('/') ? '' : '/'}${path}` };
  if (projectSuffix) result.projectSuffix = projectSuffix;
  if (versionSegment) result.versionSegment = versionSegment;
  return result;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The raw version entries of a document, or undefined when it is not one. */
export function versionEntries(body: unknown): Json[] | undefined {
  if (!isObject(body)) return undefined; // a JSON list is a DiscoveryFailure in keystoneauth
  const versions = body.versions;
  if (isObject(versions) && Array.isArray(versions.values)) return versions.values.filter(isObject);
  if (Array.isArray(versions)) return versions.filter(isObject);
  if (isObject(body.version)) return [body.version];
  if (typeof body.id === 'string') return [body];
  return undefined;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function selfHref(entry: Json): string | undefined {
  if (!Array.isArray(entry.links)) return undefined;
  for (const l of entry.links) {
    if (isObject(l) && l.rel === 'self' && typeof l.href === 'string') return l.href;
  }
  return undefined;
}

function withProject(url: string, projectSuffix?: string): string {
  if (!projectSuffix) return url;
  return `${url.replace(/\/+$/, '')}/${projectSuffix}`;
}

/**
 * Parses a version document fetched from `documentUrl`. Entries without a self link are left
 * out. Relative hrefs are resolved against `documentUrl`.
 */
export function parseVersionDocument(
  body: unknown,
  documentUrl: string,
  projectSuffix?: string,
): VersionInfo[] | undefined {
  const entries = versionEntries(body);
  if (!entries) return undefined;
  const out: VersionInfo[] = [];
  for (const e of entries) {
    const id = nonEmpty(e.id);
    const href = selfHref(e);
    if (!id || href === undefined) continue;
    const info: VersionInfo = {
      id,
      status: normaliseVersionStatus(e.status),
      url: withProject(new URL(href, documentUrl).toString(), projectSuffix),
    };
    const min = nonEmpty(e.min_version);
    const max = nonEmpty(e.max_version) ?? nonEmpty(e.version);
    if (min) info.minVersion = min;
    if (max) info.maxVersion = max;
    out.push(info);
  }
  return out;
}
