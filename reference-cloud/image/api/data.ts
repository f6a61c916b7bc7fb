/**
 * Image data: upload (PUT /file), download with Range (GET /file), staging (PUT /stage) and the
 * glance-direct import (POST /import) [glance/api/v2/image_data.py, images.py import_image].
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AuthContext } from '../../core/auth-context';
import { ApiError } from '../../core/errors';
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import { isAdmin, policyDenied, requireMutable, visibleImage } from '../access';
import { virtualSize, type Area } from '../data-store';
import { VERBATIM } from '../envelope';
import type { ImageRow } from '../models/images';
import { props } from '../models/images';
import { IMPORT_JOB } from '../import-queue';
import { enforce, type QuotaResource } from '../quota';
import { type ImageApi, bodyOf, detailed, now, requireWriter } from './common';

const MiB = 1024 * 1024;

function requireOctetStream(req: ApiRequest): void {
  const ct = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (ct !== 'application/octet-stream') {
    throw new ApiError(415, `The request media type ${ct} is not supported by this server.\n<br /><br />\n`, { type: VERBATIM });
  }
}

/** Drains an unread upload so the connection stays usable after an early refusal. */
function drain(req: ApiRequest): void {
  const s = req.body as Readable | undefined;
  if (s && typeof s.resume === 'function') s.resume();
}

/**
 * Glance checks a size quota against the current usage only (delta 0), before the upload: the
 * upload that crosses the limit succeeds, the next one gets 413 [glance/api/v2/image_data.py].
 */
async function checkSizeQuota(api: ImageApi, owner: string | null, resource: QuotaResource, usedBytes: number): Promise<void> {
  await enforce(api.limits, owner ?? undefined, resource, Math.floor(usedBytes / MiB), 0);
}

function mutableData(api: ImageApi, img: ImageRow, auth: AuthContext, action: string): void {
  requireWriter(api, auth, action);
  requireMutable(img, auth, api.secureRbac ? `You are not authorized to complete ${action} action.` : 'You do not own this image');
}

/** Streams a request body into the store or staging area, moving the image through its statuses. */
async function receive(api: ImageApi, req: ApiRequest, area: Area): Promise<ApiReply> {
  const auth = req.auth!;
  const repo = api.repo;
  const id = req.params.image_id;
  const [busy, action] = area === 'images' ? ['saving', 'upload_image'] as const : ['uploading', 'stage_image'] as const;
  let img: ImageRow;
  try {
    requireOctetStream(req);
    img = visibleImage(repo, id, auth);
    mutableData(api, img, auth, action);
    if (img.status !== 'queued') throw new ApiError(409, `Image status transition from ${img.status} to ${busy} is not allowed`);
    if (area === 'images') {
      const missing = (['disk_format', 'container_format'] as const).filter((k) => !img[k]);
      if (missing.length) {
        throw new ApiError(400, `${missing.length === 1 ? 'Property' : 'Properties'} ${missing.join(', ')} must be set prior to saving data.`);
      }
    }
    const usage = img.owner ? repo.usage(img.owner) : undefined;
    if (usage) await enforce(api.limits, img.owner ?? undefined, 'image_count_uploading', usage.uploading, 0);
    if (area === 'images') await checkSizeQuota(api, img.owner, 'image_size_total', usage?.bytes ?? 0);
    else await checkSizeQuota(api, img.owner, 'image_stage_total', usage?.staged ?? 0);
    if (!repo.store.tx(() => repo.transition(id, ['queued'], { status: busy, updated_at: now(api) }))) {
      const cur = repo.find(id);
      throw new ApiError(409, `Image status transition from ${cur?.status ?? 'deleted'} to ${busy} is not allowed`);
    }
  } catch (e) {
    drain(req);
    throw e;
  }
  try {
    const got = await api.data.receive(req.body as Readable, area, id);
    const done = repo.store.tx(() => {
      const cur = repo.find(id);
      if (!cur || cur.status !== busy) return false;
      if (area === 'images') {
        repo.update(id, {
          status: 'active', size: got.size, virtual_size: virtualSize(cur.disk_format, got.head, got.size), checksum: got.md5,
          os_hash_algo: 'sha512', os_hash_value: got.sha512, stored: 1, updated_at: now(api),
        });
      } else {
        // A staged image shows the staged size and stays "uploading" until it is imported.
        repo.update(id, { size: got.size, staged_size: got.size, updated_at: now(api) });
      }
      return true;
    });
    if (!done) {
      api.data.remove(area, id);
      throw new ApiError(410, 'Image was deleted during the upload.', { title: 'Gone' });
    }
    return { status: 204 };
  } catch (e) {
    // Glance puts the image back to "queued" when the upload fails (the client went away).
    repo.store.tx(() => repo.transition(id, [busy], { status: 'queued', size: null, staged_size: null, updated_at: now(api) }));
    if (e instanceof ApiError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new ApiError(413, 'Image storage media is full: There is not enough disk space on the image storage media.');
    // The client went away or sent a broken body: nothing is stored.
    throw new ApiError(400, 'The image data could not be read completely.');
  }
}

/** Parses Range (or the legacy Content-Range) against the image size [glance/common/wsgi.py get_range_from_request]. */
export function byteRange(req: ApiRequest, size: number): { start: number; end: number } | undefined {
  const range = req.headers.range as string | undefined;
  const legacy = req.headers['content-range'] as string | undefined;
  const unsatisfiable = (detail: string) => new ApiError(416, 'The Range requested is not available.', { detail });
  if (range) {
    const m = /^bytes=(.+)$/.exec(range.trim());
    if (!m) throw unsatisfiable('Invalid Range header.');
    const parts = m[1].split(',');
    if (parts.length > 1) throw new ApiError(400, 'Requests with multiple ranges are not supported in Glance. You may make multiple single-range requests instead.');
    const r = /^\s*(\d*)-(\d*)\s*$/.exec(parts[0]);
    if (!r || (r[1] === '' && r[2] === '')) throw unsatisfiable('Invalid Range header.');
    let start: number;
    let end: number;
    if (r[1] === '') {
      const n = Number(r[2]);
      if (n === 0) throw unsatisfiable(`Invalid start position in Range header. Start position MUST be in the inclusive range [0, ${size - 1}].`);
      start = Math.max(0, size - n);
      end = size - 1;
    } else {
      start = Number(r[1]);
      end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
      if (r[2] !== '' && Number(r[2]) < start) throw unsatisfiable('Invalid Range header.');
    }
    if (start >= size) throw unsatisfiable(`Invalid start position in Range header. Start position MUST be in the inclusive range [0, ${size - 1}].`);
    return { start, end };
  }
  if (legacy) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(legacy.trim());
    if (!m) throw unsatisfiable('Invalid Content-Range header.');
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (end < start || end >= size) {
      throw unsatisfiable(`Invalid end position in Content-Range header. End position MUST be in the inclusive range [${start}, ${size - 1}].`);
    }
    return { start, end };
  }
  return undefined;
}

export function dataRoutes(api: ImageApi): Route[] {
  const repo = api.repo;
  return [
    { method: 'PUT', path: '/v2/images/:image_id/file', rawBody: true, handler: (req) => receive(api, req, 'images') },
    { method: 'PUT', path: '/v2/images/:image_id/stage', rawBody: true, handler: (req) => receive(api, req, 'staging') },
    {
      method: 'GET', path: '/v2/images/:image_id/file',
      handler: (req) => {
        const auth = req.auth!;
        const img = visibleImage(repo, req.params.image_id, auth);
        if (img.status === 'deactivated' && !isAdmin(auth)) {
          throw new ApiError(403, 'The requested image has been deactivated. Image data download is forbidden.');
        }
        if (api.secureRbac && !isAdmin(auth) && !auth.roles.includes('member')) throw policyDenied('download_image');
        if (!img.stored || img.size === null || !api.data.has('images', img.id)) return { status: 204 };
        const size = img.size;
        const range = byteRange(req, size);
        const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream' };
        if (img.checksum) headers['Content-MD5'] = img.checksum;
        if (!range) {
          headers['Content-Length'] = size;
          return { status: 200, headers, body: size ? api.data.read('images', img.id) : '' };
        }
        headers['Content-Length'] = range.end - range.start + 1;
        headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
        return { status: 206, headers, body: api.data.read('images', img.id, range.start, range.end) };
      },
    },
    {
      method: 'POST', path: '/v2/images/:image_id/import',
      handler: async (req) => {
        const auth = req.auth!;
        const body = bodyOf(req) as Record<string, unknown>;
        const method = body && typeof body === 'object' && !Array.isArray(body) ? body.method : undefined;
        if (!method) throw new ApiError(400, "Import request requires a 'method' field.");
        const name = typeof method === 'object' && !Array.isArray(method) ? (method as Record<string, unknown>).name : undefined;
        if (!name) throw new ApiError(400, "Import request requires a 'name' field.");
        if (name !== 'glance-direct') throw new ApiError(400, `Unknown import method name '${String(name)}'.`);
        repo.store.tx(() => {
          const img = visibleImage(repo, req.params.image_id, auth);
          mutableData(api, img, auth, 'import_image');
          if (img.status === 'active') throw new ApiError(409, 'Image with status active cannot be target for import');
          if (img.status !== 'uploading' || img.staged_size === null) {
            throw new ApiError(409, "Image needs to be staged before 'glance-direct' method can be used");
          }
          if (!img.container_format) throw new ApiError(409, "'container_format' needs to be set before import");
          if (!img.disk_format) throw new ApiError(409, "'disk_format' needs to be set before import");
          const p = props(img);
          if (p.os_glance_import_task) throw detailed(409, `Image ${img.id} has an import in progress.`);
          p.os_glance_import_task = randomUUID();
          repo.update(img.id, { properties: JSON.stringify(p) });
          api.imports.enqueue(IMPORT_JOB, img.id, { method: 'glance-direct' });
        });
        return { status: 202 };
      },
    },
  ];
}
