/** Shared setup for the Swift core tests: an embedded cloud (identity and object storage) and a raw HTTP client. */
import { after, before } from 'node:test';
import { request } from 'node:http';
import { connect } from 'node:net';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../../reference-cloud/services';
import { adminToken, World } from '../identity/helpers';

export interface SwiftReply {
  status: number;
  /** Raw header lines as sent: [name, value] pairs (repeated headers kept). */
  raw: [string, string][];
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

export async function startSwiftCloud(objectStorage: Record<string, unknown> = {}): Promise<RunningCloud> {
  return startCloud(
    loadConfig({
      env: {},
      overrides: {
        ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10,
        services: ['identity', 'object-storage'], objectStorage,
      },
    }),
    { services: ALL_SERVICES },
  );
}

export function swiftRoot(cloud: RunningCloud): string {
  return cloud.endpoints.find((e) => e.service === 'object-storage')!.url.replace(/\/v1\/.*$/, '');
}

/**
 * One request with node:http, so the path goes on the wire exactly as given (`..`, `//`, `%00`)
 * and any verb (COPY, PATCH) can be sent.
 */
export function swift(
  cloud: RunningCloud, method: string, path: string,
  opts: { token?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<SwiftReply> {
  const url = new URL(swiftRoot(cloud));
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['X-Auth-Token'] = opts.token;
  if (opts.body !== undefined && !opts.chunked && headers['Content-Length'] === undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: `${url.pathname}${path}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const raw: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) raw.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : String(v);
        resolve({ status: res.statusCode!, raw, headers: flat, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

export function swiftPath(cloud: RunningCloud): string {
  return new URL(swiftRoot(cloud)).pathname;
}

/** A request written byte for byte on a socket (no Content-Length, no chunking): status line and body. */
export function rawRequest(cloud: RunningCloud, text: string): Promise<{ status: number; text: string }> {
  const url = new URL(swiftRoot(cloud));
  return new Promise((resolve, reject) => {
    const sock = connect(Number(url.port), url.hostname, () => sock.end(text));
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = all.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), text: body });
    });
  });
}

export interface SwiftWorld {
  cloud: RunningCloud;
  w: World;
  /** Project A's member (owns account `acct`). */
  token: string;
  projectId: string;
  acct: string;
  /** A member of another project. */
  other: { token: string; projectId: string; id: string };
}

export function useSwiftCloud(assign: (x: SwiftWorld) => void, objectStorage: Record<string, unknown> = {}): void {
  let cloud: RunningCloud | undefined;
  before(async () => {
    cloud = await startSwiftCloud(objectStorage);
    const w = new World(cloud, await adminToken(cloud));
    const a = await w.member('member');
    const b = await w.member('member');
    assign({ cloud, w, token: a.token, projectId: a.projectId, acct: `/v1/AUTH_${a.projectId}`, other: { token: b.token, projectId: b.projectId, id: b.id } });
  });
  after(async () => {
    await cloud?.close();
  });
}

/** Swift's HTML page of a status. */
export const page = (title: string, text: string): string => `<html><h1>${title}</h1><p>${text}</p></html>`;
export const NOT_FOUND = page('Not Found', 'The resource could not be found.');

let n = 0;
export const uniq = (p = 'c'): string => `${p}-${process.pid}-${++n}`;
