/** Shared setup for the image unit tests: a cloud, personas from the identity helpers, a Glance client. */
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { type Reply } from '../identity/helpers';

export { useTestCloud, World, unique, adminToken, startTestCloud } from '../identity/helpers';

/** One request against the image service; `path` starts at /v2 (or / for discovery). */
export async function glance(cloud: RunningCloud, method: string, path: string, opts: { token?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Reply> {
  const base = cloud.endpoints.find((e) => e.service === 'image')!.url;
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  if (opts.token) headers['X-Auth-Token'] = opts.token;
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body as string | undefined, redirect: 'manual' });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = buf.toString('utf8');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text, bytes: buf } as Reply & { bytes: Buffer };
}

export const PATCH_TYPE = { 'Content-Type': 'application/openstack-images-v2.1-json-patch' };
export const OCTET = { 'Content-Type': 'application/octet-stream' };

/** Asserts Glance's webob JSON error: status, code line and the message's first part. */
export function assertGlanceError(r: Reply, status: number, message: string | RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.match(String(r.body?.code), new RegExp(`^${status} `), r.text);
  const m = String(r.body?.message);
  if (typeof message === 'string') assert.ok(m.startsWith(message), `message ${JSON.stringify(m)} does not start with ${JSON.stringify(message)}`);
  else assert.match(m, message);
}

export async function createImage(cloud: RunningCloud, token: string, body: Record<string, unknown> = {}): Promise<any> {
  const r = await glance(cloud, 'POST', '/v2/images', { token, body: { disk_format: 'raw', container_format: 'bare', ...body } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}
