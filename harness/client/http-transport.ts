/** Sends one HTTP request over a keep-alive undici Agent and returns the Exchange. */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';
import { NetworkError } from './errors';
import type { Exchange } from './exchange';

export interface TransportOptions {
  /** Verify the server's TLS certificate (default true). */
  verify?: boolean;
  /** Path of a PEM CA bundle to trust. */
  cacert?: string;
  /** Headers and body timeout in ms (default 120 000). */
  timeoutMs?: number;
  /** Use this dispatcher instead of creating an Agent (tests, proxies). */
  dispatcher?: Dispatcher;
}

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Text, or bytes (image data, for instance). */
  body?: string | Uint8Array;
}

export class HttpTransport {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(opts: TransportOptions = {}) {
    if (opts.dispatcher) {
      this.dispatcher = opts.dispatcher;
      this.ownsDispatcher = false;
    } else {
      const timeout = opts.timeoutMs ?? 120_000;
      const connect: Record<string, unknown> = { rejectUnauthorized: opts.verify !== false };
      if (opts.cacert) connect.ca = fs.readFileSync(opts.cacert);
      this.dispatcher = new Agent({
        keepAliveTimeout: 30_000,
        connections: 32,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        connect,
      });
      this.ownsDispatcher = true;
    }
  }

  async send(req: OutgoingRequest): Promise<Exchange> {
    const headers = lowerCaseKeys(req.headers);
    const started = performance.now();
    let status: number;
    let rawHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    let raw: Buffer;
    try {
      const res = await this.requestOnce(req, headers).catch((e: unknown) => {
        // A pooled keep-alive connection the server had just closed (uwsgi closes after each
        // answer): nothing was processed, so send once more on a fresh connection, as urllib3
        // does for a stale pooled connection.
        if (isStaleConnection(e)) return this.requestOnce(req, headers);
        throw e;
      });
      status = res.statusCode;
      rawHeaders = res.headers;
      raw = Buffer.from(await res.body.arrayBuffer());
      text = raw.toString('utf8');
    } catch (e) {
      throw new NetworkError(req.method, req.url, e);
    }
    const durationMs = performance.now() - started;
    const responseHeaders = flattenHeaders(rawHeaders);
    const response: Exchange['response'] = { status, headers: responseHeaders, text };
    const json = parseJsonBody(text, responseHeaders['content-type']);
    if (json !== undefined) response.json = json;
    const contentType = responseHeaders['content-type'];
    if (raw.length > 0 && (!contentType || isBinaryType(contentType))) response.bytes = raw;
    // Reports and failure messages show binary data (image downloads) by its size, not as mojibake.
    if (raw.length > 0 && isBinaryType(contentType)) response.text = `<${raw.length} bytes of ${contentType}>`;
    const request: Exchange['request'] = { method: req.method, url: req.url, headers };
    if (req.body !== undefined) request.body = typeof req.body === 'string' ? req.body : `<${req.body.byteLength} bytes>`;
    return { request, response, durationMs };
  }

  private requestOnce(req: OutgoingRequest, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
    return this.dispatcher.request({ ...splitUrl(req.url), method: req.method as Dispatcher.HttpMethod, headers, body: req.body });
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

function splitUrl(url: string): { origin: string; path: string } {
  const u = new URL(url);
  return { origin: u.origin, path: `${u.pathname}${u.search}` };
}

function lowerCaseKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** A content type that is not JSON, text, HTML or XML (image data is application/octet-stream). */
function isBinaryType(contentType: string | undefined): boolean {
  return contentType !== undefined && !/json|^text\/|html|xml/i.test(contentType);
}

/** JSON when the content type says so (or is absent) and the text parses; else undefined. */
export function parseJsonBody(text: string, contentType: string | undefined): unknown {
  if (text.trim() === '') return undefined;
  if (contentType && !/json/i.test(contentType)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The server closed the connection before answering anything: a keep-alive race, not a failure. */
function isStaleConnection(e: unknown): boolean {
  const code = (e as { code?: string } | undefined)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}
