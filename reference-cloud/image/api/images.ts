/** Images: create, list, show, update (JSON patch), delete, deactivate/reactivate, tags. */
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../core/auth-context';
import { IMPORT_JOB } from '../import-queue';
import { ApiError } from '../../core/errors';
import type { ApiRequest, Route } from '../../core/service';
import { isAdmin, policyDenied, requireMutable, visibleImage } from '../access';
import type { ImageRow } from '../models/images';
import { props, tagsOf } from '../models/images';
import { enforce } from '../quota';
import { schemaFailure } from '../schema-check';
import { pyRepr } from '../../core/validation';
import { imageView } from '../view';
import { type ImageApi, bodyOf, detailed, now, refuse4Byte, requireWriter } from './common';
import { type Change, READ_ONLY, RESERVED, RESERVED_NAMESPACE, parseChanges, patchDraft } from './json-patch';
import { listImages } from './listing';

/** Attributes the image itself holds; anything else a caller sets is a custom property. */
const BASE = ['name', 'visibility', 'protected', 'os_hidden', 'owner', 'container_format', 'disk_format', 'min_disk', 'min_ram', 'tags'] as const;
type Base = (typeof BASE)[number];
const DISALLOWED = ['direct_url', 'self', 'file', 'schema', 'stores'];

const forbidden = (m: string) => new ApiError(403, m);

/** Glance's image_tag_quota and image_property_quota (defaults 128), enforced with 413. */
const TAG_QUOTA = 128;
const PROPERTY_QUOTA = 128;

function enforceCounts(tags: string[], custom: Record<string, string>, checkProperties: boolean): void {
  if (tags.length > TAG_QUOTA) {
    throw new ApiError(413, `The limit has been exceeded on the number of allowed image tags. Attempted: ${tags.length}, Maximum: ${TAG_QUOTA}`);
  }
  const props = Object.keys(custom).filter((k) => !k.startsWith(RESERVED_NAMESPACE)).length;
  if (checkProperties && props > PROPERTY_QUOTA) {
    throw new ApiError(413, `The limit has been exceeded on the number of allowed image properties. Attempted: ${props}, Maximum: ${PROPERTY_QUOTA}`);
  }
}

export function importMethodsHeader(): Record<string, string> {
  return { 'OpenStack-image-import-methods': 'glance-direct', 'OpenStack-image-store-ids': 'file' };
}

/** Who may change an image: the owner or an admin; a project that only sees it gets Glance's 403. */
function mutable(api: ImageApi, img: ImageRow, auth: AuthContext, action: string): void {
  requireWriter(api, auth, action);
  requireMutable(img, auth, api.secureRbac ? `You are not authorized to complete ${action} action.` : 'You do not own this image');
}

function checkVisibility(auth: AuthContext, visibility: unknown): void {
  if (visibility === 'public' && !isAdmin(auth)) throw policyDenied('publicize_image');
}

function checkNonNegative(name: string, v: unknown): void {
  if (typeof v === 'number' && v < 0) throw new ApiError(400, `Invalid value '${v}' for parameter '${name}': Cannot be a negative value`);
  // Glance's columns are 32-bit integers; a larger value is a database error there, a 400 here.
  if (typeof v === 'number' && v > 2_147_483_647) throw new ApiError(400, `Invalid value '${v}' for parameter '${name}': Value must be at most 2147483647`);
}

export function createImage(api: ImageApi, req: ApiRequest, auth: AuthContext) {
  const body = bodyOf(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    // Real Glance answers 500 here (it pops keys off a list); a client error is what it means.
    throw new ApiError(400, `Provided object does not match schema 'image': ${pyRepr(body)} is not of type 'object'`);
  }
  const b = body as Record<string, unknown>;
  for (const k of DISALLOWED) if (k in b) throw forbidden(`Attribute '${k}' is read-only.`);
  const failure = schemaFailure('image', b);
  if (failure) throw new ApiError(400, failure);
  const custom: Record<string, string> = {};
  for (const [k, v] of Object.entries(b)) {
    if ((BASE as readonly string[]).includes(k) || k === 'id' || READ_ONLY.includes(k) || k === 'locations') continue;
    if (k.length > 255) throw new ApiError(400, 'Custom property should not be greater than 255 characters.');
    if (RESERVED.includes(k) || k.startsWith(RESERVED_NAMESPACE)) throw detailed(403, `Attribute '${k}' is reserved.`);
    custom[k] = v as string;
  }
  requireWriter(api, auth, 'add_image');
  const owner = (b.owner as string | null | undefined) ?? auth.projectId ?? null;
  if (!isAdmin(auth) && owner !== auth.projectId) throw forbidden(`You are not permitted to create images owned by '${owner}'.`);
  checkVisibility(auth, b.visibility);
  for (const k of READ_ONLY) if (k in b && k !== 'id') throw forbidden(`Attribute '${k}' is read-only.`);
  if ('locations' in b) throw forbidden("Attribute 'locations' is reserved.");
  checkNonNegative('min_disk', b.min_disk);
  checkNonNegative('min_ram', b.min_ram);
  const id = (b.id as string | undefined)?.toLowerCase() ?? randomUUID();
  const at = now(api);
  const row: ImageRow = {
    id,
    name: (b.name as string | null | undefined) ?? null,
    status: 'queued',
    visibility: (b.visibility as ImageRow['visibility'] | undefined) ?? 'shared',
    protected: b.protected ? 1 : 0,
    os_hidden: b.os_hidden ? 1 : 0,
    owner,
    container_format: (b.container_format as string | null | undefined) ?? null,
    disk_format: (b.disk_format as string | null | undefined) ?? null,
    min_disk: (b.min_disk as number | undefined) ?? 0,
    min_ram: (b.min_ram as number | undefined) ?? 0,
    size: null, virtual_size: null, checksum: null, os_hash_algo: null, os_hash_value: null,
    stored: 0, staged_size: null,
    properties: JSON.stringify(custom),
    tags: JSON.stringify([...new Set((b.tags as string[] | undefined) ?? [])]),
    created_at: at, updated_at: at, deleted: 0, deleted_at: null,
  };
  enforceCounts(tagsOf(row), custom, true);
  refuse4Byte({ name: row.name, container_format: row.container_format, disk_format: row.disk_format, owner: row.owner, ...custom });
  return async () => {
    if (owner) await enforce(api.limits, owner, 'image_count_total', api.repo.usage(owner).count, 1);
    api.repo.store.tx(() => {
      if (api.repo.exists(id)) throw new ApiError(409, `Image with identifier ${id} already exists!`);
      api.repo.insert(row);
    });
    return row;
  };
}

function applyChange(img: ImageRow, custom: Record<string, string>, c: Change, auth: AuthContext): void {
  const root = c.path[0];
  const isBase = (BASE as readonly string[]).includes(root);
  if (root === 'locations') {
    throw detailed(403, c.op === 'remove'
      ? "It's not allowed to remove locations if locations are invisible."
      : "It's not allowed to add locations if locations are invisible.");
  }
  if (c.op === 'remove') {
    if (isBase) throw detailed(403, `Property ${root} may not be removed.`);
    if (!(root in custom)) throw detailed(409, `Property ${root} does not exist.`);
    delete custom[root];
    return;
  }
  if (root === 'owner' && !isAdmin(auth)) throw detailed(403, "Owner can't be updated by non admin.");
  if (root === 'visibility') checkVisibility(auth, c.value);
  if (c.op === 'replace' && !isBase && !(root in custom)) throw detailed(409, `Property ${root} does not exist.`);
  if (c.op === 'add' && c.draft === 4 && (isBase || root in custom)) throw detailed(409, `Property ${root} already present.`);
  if (!isBase) {
    custom[root] = c.value as string;
    return;
  }
  const key = root as Base;
  if ((key === 'container_format' || key === 'disk_format') && !['queued', 'importing'].includes(img.status)) {
    throw forbidden(`Attribute ${key} can be only replaced for a queued image.`);
  }
  if (key === 'min_disk' || key === 'min_ram') checkNonNegative(key, c.value);
  const v = c.value;
  switch (key) {
    case 'protected':
    case 'os_hidden':
      img[key] = v ? 1 : 0;
      break;
    case 'tags':
      img.tags = JSON.stringify([...new Set(v as string[])]);
      break;
    case 'min_disk':
    case 'min_ram':
      img[key] = v as number;
      break;
    case 'visibility':
      img.visibility = v as ImageRow['visibility'];
      break;
    default:
      img[key] = v as string | null;
  }
}

export function imageRoutes(api: ImageApi): Route[] {
  const repo = api.repo;
  return [
    {
      method: 'POST', path: '/v2/images',
      handler: async (req) => {
        const insert = createImage(api, req, req.auth!);
        const row = await insert();
        return { status: 201, body: imageView(row), headers: { Location: `${req.baseUrl}/v2/images/${row.id}`, ...importMethodsHeader() } };
      },
    },
    {
      method: 'GET', path: '/v2/images',
      handler: (req) => ({ status: 200, body: listImages(api, req, req.auth!) }),
    },
    {
      method: 'GET', path: '/v2/images/:image_id',
      handler: (req) => ({ status: 200, body: imageView(visibleImage(repo, req.params.image_id, req.auth!)) }),
    },
    {
      method: 'PATCH', path: '/v2/images/:image_id',
      handler: (req) => {
        const auth = req.auth!;
        const draft = patchDraft(req.headers['content-type'] as string | undefined);
        const changes = parseChanges(bodyOf(req), draft);
        const updated = repo.store.tx(() => {
          const img = visibleImage(repo, req.params.image_id, auth);
          mutable(api, img, auth, 'modify_image');
          const custom = props(img);
          const next: ImageRow = { ...img };
          for (const c of changes) applyChange(next, custom, c, auth);
          enforceCounts(tagsOf(next), custom, Object.keys(custom).some((k) => !(k in props(img))));
          refuse4Byte({ name: next.name, owner: next.owner, ...custom });
          next.properties = JSON.stringify(custom);
          next.updated_at = now(api);
          const { id: _id, created_at: _c, ...rest } = next;
          repo.update(img.id, rest);
          return repo.find(img.id)!;
        });
        return { status: 200, body: imageView(updated), headers: importMethodsHeader() };
      },
    },
    {
      method: 'DELETE', path: '/v2/images/:image_id',
      handler: (req) => {
        const auth = req.auth!;
        const id = req.params.image_id;
        repo.store.tx(() => {
          const img = visibleImage(repo, id, auth, `Failed to find image ${id} to delete`);
          mutable(api, img, auth, 'delete_image');
          if (img.protected) throw forbidden(`Image ${id} is protected and cannot be deleted.`);
          const at = now(api);
          repo.update(id, { status: 'deleted', deleted: 1, deleted_at: at, updated_at: at, stored: 0, staged_size: null });
          api.imports.cancel(IMPORT_JOB, id);
        });
        api.data.remove('images', id);
        api.data.remove('staging', id);
        return { status: 204 };
      },
    },
    ...(['deactivate', 'reactivate'] as const).map((action): Route => ({
      method: 'POST', path: `/v2/images/:image_id/actions/${action}`,
      handler: (req) => {
        const auth = req.auth!;
        repo.store.tx(() => {
          const img = visibleImage(repo, req.params.image_id, auth);
          mutable(api, img, auth, action);
          const [from, to] = action === 'deactivate' ? ['active', 'deactivated'] : ['deactivated', 'active'];
          if (img.status === to) return;
          if (img.status !== from) throw forbidden(`Not allowed to ${action} image in status '${img.status}'`);
          repo.update(img.id, { status: to as ImageRow['status'], updated_at: now(api) });
        });
        return { status: 204 };
      },
    })),
    {
      method: 'PUT', path: '/v2/images/:image_id/tags/:tag',
      handler: (req) => {
        const auth = req.auth!;
        const tag = req.params.tag;
        const failure = schemaFailure('image', { tags: [tag] });
        if (failure) throw new ApiError(400, failure);
        repo.store.tx(() => {
          const img = visibleImage(repo, req.params.image_id, auth);
          mutable(api, img, auth, 'modify_image');
          const tags = tagsOf(img);
          if (!tags.includes(tag)) {
            enforceCounts([...tags, tag], {}, false);
            repo.update(img.id, { tags: JSON.stringify([...tags, tag]), updated_at: now(api) });
          }
        });
        return { status: 204 };
      },
    },
    {
      method: 'DELETE', path: '/v2/images/:image_id/tags/:tag',
      handler: (req) => {
        const auth = req.auth!;
        repo.store.tx(() => {
          const img = visibleImage(repo, req.params.image_id, auth);
          mutable(api, img, auth, 'modify_image');
          const tags = tagsOf(img);
          if (!tags.includes(req.params.tag)) throw new ApiError(404, 'The resource could not be found.');
          repo.update(img.id, { tags: JSON.stringify(tags.filter((t) => t !== req.params.tag)), updated_at: now(api) });
        });
        return { status: 204 };
      },
    },
  ];
}
