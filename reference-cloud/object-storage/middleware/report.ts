/**
 * The reports of Swift's bulk middleware (bulk delete, SLO delete, SLO PUT with heartbeat):
 * `get_response_body` in json, xml or plain text, chosen by swob's `Accept.best_match` over
 * ACCEPTABLE_FORMATS, and the 200 chunked answer that writes a space now and then while the work
 * runs and the report at the end.
 */
import { PassThrough } from 'node:stream';
import type { SwiftResponse } from '../context';
import { HTML } from '../responses';

export const ACCEPTABLE_FORMATS = ['text/plain', 'application/json', 'application/xml', 'text/xml'];

/**
 * swob's Accept.best_match: the first option that the highest-q media range matches; the first
 * option when there is no Accept header; undefined when nothing matches or the header is invalid.
 */
export function bestMatch(accept: string | undefined, options: string[] = ACCEPTABLE_FORMATS): string | undefined {
  if (accept === undefined || accept.trim() === '') return options[0];
  const ranges: { type: string; sub: string; q: number; i: number }[] = [];
  for (const [i, part] of accept.split(',').entries()) {
    const [media, ...params] = part.split(';').map((s) => s.trim());
    const m = /^([\w.+*-]+)\/([\w.+*-]+)$/.exec(media ?? '');
    if (!m) return undefined;
    let q = 1;
    for (const p of params) {
      const pm = /^q\s*=\s*([\d.]+)$/i.exec(p);
      if (pm) q = Number(pm[1]);
    }
    if (Number.isNaN(q)) return undefined;
    ranges.push({ type: m[1]!.toLowerCase(), sub: m[2]!.toLowerCase(), q, i });
  }
  const specificity = (r: { type: string; sub: string }): number => (r.type === '*' ? 0 : r.sub === '*' ? 1 : 2);
  ranges.sort((a, b) => b.q - a.q || specificity(b) - specificity(a) || a.i - b.i);
  for (const r of ranges) {
    if (r.q <= 0) continue;
    for (const o of options) {
      const [t, s] = o.split('/') as [string, string];
      if ((r.type === '*' || r.type === t) && (r.sub === '*' || r.sub === s)) return o;
    }
  }
  return undefined;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Python's json.dumps of a string (non-ASCII as \uXXXX). */
export function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's json.dumps of a plain JSON value, with its `, ` and `: ` separators. */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return pyJsonString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).map(([k, x]) => `${pyJsonString(k)}: ${pyJson(x)}`).join(', ')}}`;
}

export type ReportDict = Record<string, string | number>;

/** bulk.get_response_body. */
export function reportBody(format: string | undefined, dict: ReportDict, errors: [string, string][], rootTag: string): string {
  if (format === 'application/json') return pyJson({ ...dict, Errors: errors });
  const keys = Object.keys(dict).sort();
  if (format && format.endsWith('/xml')) {
    const out = [`<${rootTag}>\n`];
    for (const k of keys) {
      const tag = k.replace(/ /g, '_').toLowerCase();
      out.push(`<${tag}>${xmlEscape(String(dict[k]))}</${tag}>\n`);
    }
    out.push('<errors>\n');
    for (const [name, status] of errors) out.push(`<object><name>${xmlEscape(name)}</name><status>${xmlEscape(status)}</status></object>\n`);
    out.push(`</errors>\n</${rootTag}>\n`);
    return out.join('');
  }
  return `${keys.map((k) => `${k}: ${dict[k]}\n`).join('')}Errors:\n${errors.map(([n, s]) => `${n}, ${s}\n`).join('')}`;
}

/**
 * A 200 (or `status`) chunked answer whose body is written while `work` runs: a space every
 * `yieldSeconds` (the first one `<?xml ...?>` for xml), then `\r\n\r\n` and the report if anything
 * was written before it, else the report alone. `work` never rejects into the stream: it answers
 * the final body text.
 */
export function streamedReport(
  status: number, contentType: string | undefined, yieldSeconds: number, work: () => Promise<string>,
  opts: { immediateFirst?: boolean; separator?: string } = {},
): SwiftResponse {
  const out = new PassThrough();
  let wrote = false;
  let first = contentType?.endsWith('/xml') && !opts.immediateFirst ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ' ';
  const tick = (): void => {
    if (out.destroyed) return;
    out.write(first);
    first = ' ';
    wrote = true;
  };
  if (opts.immediateFirst) tick();
  const timer = yieldSeconds > 0 ? setInterval(tick, yieldSeconds * 1000) : undefined;
  void work().then(
    (text) => {
      if (timer) clearInterval(timer);
      if (!out.destroyed) out.end((wrote ? opts.separator ?? '\r\n\r\n' : '') + text);
    },
    (e: Error) => {
      if (timer) clearInterval(timer);
      out.destroy(e);
    },
  );
  return { status, headers: { 'Content-Type': contentType ?? HTML }, body: out };
}

/** swob's status line text: `200 OK`, `404 Not Found`. */
export function statusText(status: number): string {
  return `${status} ${REASONS[status] ?? 'Unknown'}`;
}

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content', 304: 'Not Modified',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 411: 'Length Required', 412: 'Precondition Failed',
  413: 'Request Entity Too Large', 416: 'Requested Range Not Satisfiable', 422: 'Unprocessable Entity',
  499: 'Client Disconnect', 500: 'Internal Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};
