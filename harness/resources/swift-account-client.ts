/**
 * Requests to one Swift account with one token: the path is appended to the account's exactly as
 * given (never through a URL parser, which would resolve `a/../b` or `%2E%2E`), so object names
 * stay data. Names become paths here: each segment percent-encoded, slashes kept, a segment of
 * dots encoded too.
 */
import * as fs from 'node:fs';
import { Agent, type Dispatcher } from 'undici';
import type { Target } from '../config/target';

/** A name as one path segment: everything reserved encoded, and a segment of dots too. */
export function encodeSegment(segment: string): string {
  const e = encodeURIComponent(segment);
  return /^\.+$/.test(segment) ? e.replace(/\./g, '%2E') : e;
}

/** An object name as a path under its container: each segment encoded, the slashes kept. */
export function encodeObjectName(name: string): string {
  return name.split('/').map(encodeSegment).join('/');
}

/** The account-relative path of a container. */
export function containerPath(name: string): string {
  return `/${encodeSegment(name)}`;
}

export interface Reply {
  status: number;
  text: string;
  json?: unknown;
}

/** Requests to one account with one token, the path appended to the account's exactly as given. */
export class AccountClient {
  private readonly agent: Agent;
  private readonly origin: string;
  private readonly base: string;

  constructor(account: string, private token: string, target: Target, private readonly refresh: () => Promise<string>) {
    this.origin = new URL(account).origin;
    this.base = account.slice(this.origin.length).replace(/\/+$/, '');
    const connect: Record<string, unknown> = { rejectUnauthorized: target.verify !== false };
    if (target.cacert) connect.ca = fs.readFileSync(target.cacert);
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: 8, headersTimeout: 60_000, bodyTimeout: 60_000, connect });
  }

  async send(method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
    let r = await this.once(method, path, headers);
    if (r.status === 401) {
      this.token = await this.refresh(); // expired during a long cleanup
      r = await this.once(method, path, headers);
    }
    return r;
  }

  private async once(method: string, path: string, headers: Record<string, string>): Promise<Reply> {
    const opts: Dispatcher.RequestOptions = {
      origin: this.origin, path: `${this.base}${path}`, method: method as Dispatcher.HttpMethod,
      headers: { ...headers, 'x-auth-token': this.token, 'user-agent': 'stackproof/0.1 (cleanup)' },
    };
    let res: Dispatcher.ResponseData;
    try {
      res = await this.agent.request(opts);
    } catch (e) {
      // a keep-alive connection the server had just closed: nothing was processed
      const code = (e as { code?: string }).code;
      if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw e;
      res = await this.agent.request(opts);
    }
    const text = await res.body.text();
    const type = String(res.headers['content-type'] ?? '');
    let json: unknown;
    if (/json/i.test(type)) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.statusCode, text, ...(json !== undefined ? { json } : {}) };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
