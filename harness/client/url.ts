/** Small URL helpers for building request URLs. */

export type QueryValue = string | number | boolean | undefined | null | (string | number | boolean)[];
export type Query = Record<string, QueryValue>;

/** base + path with exactly one '/' between them; an absolute path URL wins. */
export function joinUrl(base: string, path?: string): string {
  if (!path) return base;
  if (/^https?:\/\//i.test(path)) return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
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
