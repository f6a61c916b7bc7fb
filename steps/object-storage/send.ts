/**
 * Sends one request to a Swift account exactly as written: the path is appended to the account
 * URL without any URL normalisation (`a/../b` stays an object name), non-ASCII characters are
 * percent-encoded as UTF-8, header values are sent as their UTF-8 bytes, no Accept header is
 * added (Swift picks a listing's format from it), and the body can be text, bytes, chunks sent
 * in chunked transfer encoding, or nothing at all, not even a Content-Length (a raw socket,
 * since HTTP clients add `Content-Length: 0` to a bodiless PUT).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { Exchange } from '../../harness/client';
import { parseJsonBody } from '../../harness/client/http-transport';

export type SwiftBody =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Buffer }
  /** Sent in chunked transfer encoding, one HTTP chunk per piece. */
  | { kind: 'chunks'; pieces: Buffer[] }
  /** No body and neither Content-Length nor Transfer-Encoding. */
  | { kind: 'none-at-all' };

export interface SwiftRequest {
  method: string;
  /** Absolute URL of the account (…/v1/AUTH_x), no trailing slash. */
  account: string;
  /** Appended verbatim (after encoding non-ASCII); or an absolute http(s) URL used as it is. */
  path: string;
  headers: Record<string, string>;
  token?: string;
  body?: SwiftBody;
}

let agent: Agent | undefined;
function dispatcher(): Agent {
  agent ??= new Agent({ keepAliveTimeout: 10_000, connections: 16, headersTimeout: 60_000, bodyTimeout: 60_000 });
  return agent;
}

/** Percent-encodes what may not appear raw in a request line: controls, spaces, non-ASCII (as UTF-8). */
export function encodeRaw(path: string): string {
  return path.replace(/[^\x21-\x7e]/gu, (ch) => encodeURIComponent(ch));
}

/** A name as one path segment: everything encoded, and a name of dots too, so that no one resolves it. */
export function encodeName(name: string): string {
  const e = encodeURIComponent(name);
  return /^\.+$/.test(name) ? e.replace(/\./g, '%2E') : e;
}

/** A header value as the latin-1 string of its UTF-8 bytes, which is how undici puts it on the wire. */
function wireValue(v: string): string {
  return Buffer.from(v, 'utf8').toString('latin1');
}

/** A header value received (undici decodes latin-1) read as UTF-8 when its bytes are UTF-8. */
export function readHeaderValue(v: string): string {
  const s = Buffer.from(v, 'latin1').toString('utf8');
  return s.includes('\ufffd') ? v : s;
}

function target(req: SwiftRequest): { origin: string; path: string; url: string } {
  const full = /^https?:\/\//i.test(req.path) ? req.path : `${req.account}${req.path}`;
  const origin = new URL(full).origin;
  const path = encodeRaw(full.slice(origin.length)) || '/';
  return { origin, path, url: `${origin}${path}` };
}

function isBinary(contentType: string | undefined): boolean {
  return contentType !== undefined && !/json|^text\/|html|xml/i.test(contentType);
}

function toExchange(req: SwiftRequest, url: string, sentHeaders: Record<string, string>, status: number,
  headers: Record<string, string>, raw: Buffer, started: number): Exchange {
  const contentType = headers['content-type'];
  const response: Exchange['response'] = { status, headers, text: raw.toString('utf8') };
  // Stored data that is JSON (a raw SLO manifest is served with the manifest's own type) can be
  // examined as JSON too.
  const json = parseJsonBody(response.text, contentType) ?? (/^\s*[[{]/.test(response.text) ? parseJsonBody(response.text, undefined) : undefined);
  if (json !== undefined) response.json = json;
  if (raw.length > 0 && (!contentType || isBinary(contentType))) {
    response.bytes = raw;
    if (contentType) response.text = `<${raw.length} bytes of ${contentType}>`;
  }
  const request: Exchange['request'] = { method: req.method, url, headers: sentHeaders };
  const b = req.body;
  if (b?.kind === 'text') request.body = b.text;
  else if (b?.kind === 'bytes') request.body = `<${b.bytes.length} bytes>`;
  else if (b?.kind === 'chunks') request.body = `<${b.pieces.reduce((n, p) => n + p.length, 0)} bytes in ${b.pieces.length} chunks>`;
  return { request, response, durationMs: performance.now() - started };
}

function flatten(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export async function sendSwift(req: SwiftRequest): Promise<Exchange> {
  const { origin, path, url } = target(req);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = wireValue(v);
  if (req.token) headers['x-auth-token'] = req.token;
  const started = performance.now();
  if (req.body?.kind === 'none-at-all') {
    const r = await rawRequest(origin, req.method, path, headers);
    return toExchange(req, url, headers, r.status, r.headers, r.body, started);
  }
  let body: Dispatcher.DispatchOptions['body'];
  const b = req.body;
  if (b?.kind === 'text') body = Buffer.from(b.text, 'utf8');
  else if (b?.kind === 'bytes') body = b.bytes;
  else if (b?.kind === 'chunks') {
    body = Readable.from(b.pieces);
  }
  const send = () => dispatcher().request({ origin, path, method: req.method as Dispatcher.HttpMethod, headers, body: body ?? null });
  let res: Dispatcher.ResponseData;
  try {
    res = await send();
  } catch (e) {
    // a keep-alive connection the server had just closed: nothing was processed
    const code = (e as { code?: string }).code;
    if (b?.kind === 'chunks' || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET')) throw e;
    res = await send();
  }
  const raw = Buffer.from(await res.body.arrayBuffer());
  return toExchange(req, url, headers, res.statusCode, flatten(res.headers), raw, started);
}

/** One request over a fresh socket with exactly the headers given (plus Host and Connection: close). */
function rawRequest(origin: string, method: string, path: string, headers: Record<string, string>):
  Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const u = new URL(origin);
  const https = u.protocol === 'https:';
  const port = Number(u.port || (https ? 443 : 80));
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${u.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: close', '', ''];
  return new Promise((resolve, reject) => {
    const socket = https ? tls.connect({ host: u.hostname, port, servername: u.hostname }) : net.connect({ host: u.hostname, port });
    const chunks: Buffer[] = [];
    socket.setTimeout(30_000, () => socket.destroy(new Error(`no answer from ${origin} within 30 s`)));
    socket.on(https ? 'secureConnect' : 'connect', () => socket.write(Buffer.from(lines.join('\r\n'), 'latin1')));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`${origin} closed the connection without an HTTP answer`));
      const [statusLine, ...headerLines] = all.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
      const h: Record<string, string> = {};
      for (const line of headerLines) {
        const i = line.indexOf(':');
        if (i <= 0) continue;
        const k = line.slice(0, i).trim().toLowerCase();
        const v = line.slice(i + 1).trim();
        h[k] = h[k] === undefined ? v : `${h[k]}, ${v}`;
      }
      let body: Buffer = all.subarray(end + 4);
      if (/chunked/i.test(h['transfer-encoding'] ?? '')) body = dechunk(body);
      else if (h['content-length'] !== undefined) body = body.subarray(0, Number(h['content-length']));
      resolve({ status, headers: h, body });
    });
  });
}

function dechunk(b: Buffer): Buffer {
  // the chunk sizes, then the data; trailers are ignored
  const out: Buffer[] = [];
  let i = 0;
  while (i < b.length) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!size) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
