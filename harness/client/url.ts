/** Small URL helpers for building request URLs. */

export type QueryValue = string | number | boolean | undefined | null | (string | number | boolean)[];
export type Query = Record<string, QueryValue>;

/**
 * base + path with exactly one '/' between them; an absolute path URL wins. A path that starts
 * with the version segment the base already ends in (base …/v3, path /v3/projects) does not
 * repeat it: clouds register identity as …/identity or as …:5000/v3/, and features name the
 * versioned path either way.
 */
export function joinUrl(base: string, path?: string): string {
  if (!path) return base;
  if (/^https?:\/\//i.test(path)) return path;
  const trimmedBase = base.replace(/\/+$/, '');
  let trimmedPath = path.replace(/^\/+/, '');
  const baseVersion = /\/(v\d+(?:\.\d+)?)$/.exec(trimmedBase)?.[1];
  if (baseVersion) {
    const m = /^(v\d+(?:\.\d+)?)(?=\/|\?|$)\/?/.exec(trimmedPath);
    if (m && m[1] === baseVersion) trimmedPath = trimmedPath.slice(m[0].length);
  }
  return trimmedPath === '' ? trimmedBase : `${trimmedBase}/${trimmedPath}`;
}

/** Appends query parameters (arrays repeat the key; undefined and null are left out). */
export function withQuery(url: string, query?: Query): string {
  if (!query) return url;
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(item));
  }
  return u.toString();
}

/** True when the URL's path ends in a v3 segment (/v3, /v3/, /v3.14). */
export function endsWithV3(url: string): boolean {
  return /\/v3(\.\d+)?\/?$/.test(new URL(url).pathname);
}
