/**
 * Removes secrets from recorded HTTP exchanges before they reach a report: tokens in headers,
 * passwords, application-credential secrets, token ids in auth bodies, credential blobs.
 * Nothing here mutates its input.
 */
import type { Exchange } from '../client/exchange';

export const REDACTED = '***';

const SECRET_HEADERS = new Set(['x-auth-token', 'x-subject-token', 'x-service-token', 'authorization', 'cookie', 'set-cookie', 'proxy-authorization']);
const SECRET_HEADER_PREFIXES = ['x-account-meta-temp-url-key', 'x-container-meta-temp-url-key'];

function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_HEADERS.has(n) || SECRET_HEADER_PREFIXES.some((p) => n.startsWith(p));
}

export function redactHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k] = isSecretHeader(k) ? REDACTED : v;
  return out;
}

/** Keys whose value is a secret wherever they appear. */
function isSecretKey(key: string): boolean {
  const k = key.toLowerCase();
  if (/(_at|_expires)$/.test(k)) return false; // password_expires_at and friends are not secrets
  return (
    /password|passwd|secret/.test(k) ||
    k === 'adminpass' ||
    k === 'private_key' ||
    /^(x-auth-token|x-subject-token|auth_?token|access_?token|refresh_?token|id_?token|token_?id)$/.test(k)
  );
}

function redactNode(value: unknown, parentKey: string | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => redactNode(v, parentKey));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const lower = k.toLowerCase();
    const scalar = typeof v !== 'object' || v === null;
    if (isSecretKey(k)) {
      // A secret-named key holding a structure (the auth body's "password" method block) is
      // searched rather than blanked, so the user name beside the password stays readable.
      if (scalar) out[k] = REDACTED;
      else if (Array.isArray(v)) out[k] = v.map((i) => (typeof i === 'object' && i !== null ? redactNode(i, lower) : REDACTED));
      else out[k] = redactNode(v, lower);
    } else if (lower === 'token' && typeof v === 'string') out[k] = REDACTED;
    else if (lower === 'id' && parentKey === 'token') out[k] = REDACTED; // {"token":{"id":...}} in auth bodies
    else if (lower === 'blob' && (parentKey === 'credential' || parentKey === 'credentials')) out[k] = REDACTED;
    else out[k] = redactNode(v, lower);
  }
  return out;
}

/** A deep copy of `value` with secrets replaced by '***'. */
export function redactJson(value: unknown): unknown {
  return redactNode(value, undefined);
}

/** "password": "..." pairs in text that is not (or not whole) JSON. */
const SECRET_PAIR =
  /("(?:[^"\\]*(?:password|passwd|secret|adminpass|private_key|token_id|auth_token)[^"\\]*)"\s*:\s*)"(?:[^"\\]|\\.)*"?/gi;
const TOKEN_ID_PAIR = /("token"\s*:\s*\{\s*"id"\s*:\s*)"(?:[^"\\]|\\.)*"?/gi;

export function redactText(text: string, contentType?: string): string {
  if (text === '') return text;
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text);
  if (looksJson) {
    try {
      const parsed: unknown = JSON.parse(text);
      return JSON.stringify(redactJson(parsed), null, /\n/.test(text) ? 2 : undefined);
    } catch {
      /* truncated or malformed: fall back to patterns */
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType ?? '')) {
    const params = new URLSearchParams(text);
    for (const key of [...params.keys()]) if (isSecretKey(key) || key.toLowerCase() === 'token') params.set(key, REDACTED);
    return params.toString();
  }
  return text.replace(SECRET_PAIR, `$1"${REDACTED}"`).replace(TOKEN_ID_PAIR, `$1"${REDACTED}"`);
}

/** Temp-URL signatures and any secret-looking query parameter. */
function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  for (const key of [...u.searchParams.keys()]) {
    const k = key.toLowerCase();
    if (isSecretKey(key) || k === 'token' || k === 'temp_url_sig' || k === 'signature') {
      u.searchParams.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? u.toString() : url;
}

function header(h: Record<string, string>, name: string): string | undefined {
  const hit = Object.keys(h).find((k) => k.toLowerCase() === name);
  return hit === undefined ? undefined : h[hit];
}

/** A copy of the exchange that is safe to attach to a report. */
export function redactExchange(ex: Exchange): Exchange {
  const request: Exchange['request'] = {
    method: ex.request.method,
    url: redactUrl(ex.request.url),
    headers: redactHeaders(ex.request.headers),
  };
  if (ex.request.body !== undefined) {
    request.body = redactText(ex.request.body, header(ex.request.headers, 'content-type'));
  }
  const response: Exchange['response'] = {
    status: ex.response.status,
    headers: redactHeaders(ex.response.headers),
    text: redactText(ex.response.text, header(ex.response.headers, 'content-type')),
  };
  if (ex.response.json !== undefined) response.json = redactJson(ex.response.json);
  return { request, response, durationMs: ex.durationMs };
}
