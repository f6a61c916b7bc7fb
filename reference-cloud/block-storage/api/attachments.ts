/**
 * The attachments API (cinder/api/v3/attachments.py, 3.27+; os-complete 3.44+): create
 * (reserve, or reserve and connect with a connector), update with a connector, complete, delete,
 * list, detail, show. Below 3.27 every route is webob's JSON 404. Views as
 * cinder/api/v3/views/attachments.py: empty times "", attach_mode as stored (the string "null"
 * until a mode is known).
 */
import type { ApiRequest, Route } from '../../core/service';
import {
  attachmentNotFound, checkDeletionAllowed, checkUuid, completeAttachment, connectAttachment, finishDetach, isAdminAuth,
  isServiceRequest, reserveAttachment, visibleAttachment, visibleVolume, volumeAttachments, type AttachmentRow,
} from '../attachment-model';
import { badRequest, cinderTime, json, MAX_LIMIT, empty, qstr, routeNotFound, validateBody } from '../common';
import type { BlockStorageApi } from '../context';

const NEW_ATTACH = '3.27';
const NEW_ATTACH_COMPLETION = '3.44';
const ATTACHMENT_CREATE_MODE_ARG = '3.54';
const RESOURCE_FILTERS = '3.34';

const createSchema = (withMode: boolean) => ({
  type: 'object',
  properties: {
    attachment: {
      type: 'object',
      properties: {
        instance_uuid: { type: 'string' },
        connector: { type: ['object', 'null'] },
        volume_uuid: { type: 'string' },
        ...(withMode ? { mode: { type: 'string', enum: ['rw', 'ro'] } } : {}),
      },
      required: ['volume_uuid'],
      additionalProperties: false,
    },
  },
  required: ['attachment'],
  additionalProperties: false,
});
const CREATE = createSchema(false);
const CREATE_354 = createSchema(true);

const UPDATE = {
  type: 'object',
  properties: {
    attachment: {
      type: 'object',
      properties: { connector: { type: 'object', minProperties: 1 } },
      required: ['connector'],
      additionalProperties: false,
    },
  },
  required: ['attachment'],
  additionalProperties: false,
};

const normalize = (t: string | null): string => (t ? cinderTime(t)! : '');

export function summaryView(a: AttachmentRow): Record<string, unknown> {
  return { id: a.id, status: a.attach_status, instance: a.instance_uuid, volume_id: a.volume_id };
}

export function detailView(a: AttachmentRow): Record<string, unknown> {
  return {
    ...summaryView(a),
    attached_at: normalize(a.attach_time),
    detached_at: normalize(a.detach_time),
    attach_mode: a.attach_mode,
    connection_info: a.connection_info ? JSON.parse(a.connection_info) : null,
  };
}

/** A route that exists from a microversion on (webob's JSON 404 below it). */
function gated(min: string, route: Route): Route {
  return { ...route, handler: (req) => { if (!req.microversion!.atLeast(min)) throw routeNotFound(); return route.handler(req); } };
}

const ALLOWED_FILTERS = ['volume_id', 'status', 'instance_id', 'attach_status'];
const PAGING = ['limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir'];
const SORT_COLUMNS: Record<string, string> = {
  created_at: 'created_at', updated_at: 'updated_at', id: 'id', status: 'attach_status', attach_status: 'attach_status',
  volume_id: 'volume_id', instance_uuid: 'instance_uuid', instance_id: 'instance_uuid',
};

function listAttachments(api: BlockStorageApi, req: ApiRequest): AttachmentRow[] {
  const admin = isAdminAuth(req.auth);
  const where: string[] = [];
  const args: unknown[] = [];
  const all = admin && req.query.all_tenants !== undefined;
  if (!all) {
    where.push('project_id = ?');
    args.push(req.auth!.projectId);
  }
  for (const key of Object.keys(req.query)) {
    if (PAGING.includes(key) || key === 'all_tenants' || ALLOWED_FILTERS.includes(key)) continue;
    // 3.34+: filters outside the resource's configured ones are refused; before, dropped.
    if (req.microversion!.atLeast(RESOURCE_FILTERS)) throw badRequest(`Invalid filters ${key} are found in query options.`);
  }
  const column: Record<string, string> = { volume_id: 'volume_id', status: 'attach_status', attach_status: 'attach_status', instance_id: 'instance_uuid' };
  for (const f of ALLOWED_FILTERS) {
    const v = qstr(req, f);
    if (v === undefined) continue;
    where.push(`${column[f]} = ?`);
    args.push(v);
  }
  // common.get_sort_params: sort=key:dir,... or sort_key/sort_dir; default created_at desc.
  const sorts: [string, string][] = [];
  const sort = qstr(req, 'sort');
  if (sort) {
    for (const part of sort.split(',')) {
      const [k, d = 'desc'] = part.trim().split(':');
      sorts.push([k, d]);
    }
  } else if (qstr(req, 'sort_key')) {
    sorts.push([qstr(req, 'sort_key')!, qstr(req, 'sort_dir') ?? 'desc']);
  }
  if (!sorts.length) sorts.push(['created_at', 'desc']);
  const order = sorts.map(([k, d]) => {
    const col = SORT_COLUMNS[k];
    if (!col) throw badRequest('Invalid input received: Invalid sort key');
    if (d !== 'asc' && d !== 'desc') throw badRequest('Invalid input received: Unknown sort direction, must be one of: asc, desc');
    return `${col} ${d.toUpperCase()}`;
  });
  const limitRaw = qstr(req, 'limit');
  let limit = MAX_LIMIT;
  if (limitRaw !== undefined) {
    const n = Number(limitRaw);
    if (!/^-?\d+$/.test(limitRaw)) throw badRequest('limit param must be an integer');
    if (n < 0) throw badRequest('limit param must be positive');
    limit = Math.min(n, MAX_LIMIT);
  }
  const offsetRaw = qstr(req, 'offset');
  let offset = 0;
  if (offsetRaw !== undefined) {
    if (!/^\d+$/.test(offsetRaw)) throw badRequest('offset param must be an integer');
    offset = Number(offsetRaw);
  }
  let rows = api.store.db.prepare(
    `SELECT * FROM volume_attachment ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order.join(', ')}, rowid DESC`,
  ).all(...args) as AttachmentRow[];
  const marker = qstr(req, 'marker');
  if (marker !== undefined) {
    const at = rows.findIndex((r) => r.id === marker);
    if (at < 0) throw attachmentNotFound(marker);
    rows = rows.slice(at + 1);
  }
  return rows.slice(offset, offset + limit);
}

export function attachmentRoutes(api: BlockStorageApi): Route[] {
  return [
    gated(NEW_ATTACH, { method: 'GET', path: '/attachments', handler: (req) => json(200, { attachments: listAttachments(api, req).map(summaryView) }) }),
    gated(NEW_ATTACH, { method: 'GET', path: '/attachments/detail', handler: (req) => json(200, { attachments: listAttachments(api, req).map(detailView) }) }),
    gated(NEW_ATTACH, {
      method: 'GET', path: '/attachments/:attachment_id', handler: (req) => json(200, { attachment: detailView(visibleAttachment(api, req, req.params.attachment_id)) }),
    }),
    gated(NEW_ATTACH, {
      method: 'POST', path: '/attachments', handler: async (req) => {
        const withMode = req.microversion!.atLeast(ATTACHMENT_CREATE_MODE_ARG);
        validateBody(withMode ? CREATE_354 : CREATE, req.body ?? null);
        const a = (req.body as { attachment: { volume_uuid: string; instance_uuid?: string; connector?: Record<string, unknown> | null; mode?: string } }).attachment;
        checkUuid('instance_uuid', a.instance_uuid);
        checkUuid('volume_uuid', a.volume_uuid);
        const volume = visibleVolume(api, req, a.volume_uuid);
        const service = await isServiceRequest(api, req);
        const mode = withMode ? (a.mode ?? 'null') : 'null';
        const row = reserveAttachment(api, volume.id, a.instance_uuid ?? null, { serviceOwned: service, mode });
        let connection: Record<string, unknown> = {};
        if (a.connector) {
          connection = connectAttachment(api, row.id, { ...a.connector });
          // The API saves its own copy of the attachment after the volume service's update: the mode it chose stays.
          api.store.db.prepare('UPDATE volume_attachment SET attach_mode = ? WHERE id = ?').run(row.attach_mode, row.id);
        }
        return json(200, { attachment: detailView({ ...row, connection_info: JSON.stringify(connection) }) });
      },
    }),
    gated(NEW_ATTACH, {
      method: 'PUT', path: '/attachments/:attachment_id', handler: (req) => {
        validateBody(UPDATE, req.body ?? null);
        const before = visibleAttachment(api, req, req.params.attachment_id);
        const connector = (req.body as { attachment: { connector: Record<string, unknown> } }).attachment.connector;
        const info = connectAttachment(api, before.id, { ...connector });
        // The answer is the API's copy loaded before the volume service's update, with the connection info.
        return json(200, { attachment: detailView({ ...before, connection_info: JSON.stringify(info) }) });
      },
    }),
    gated(NEW_ATTACH, {
      method: 'DELETE', path: '/attachments/:attachment_id', handler: async (req) => {
        const a = visibleAttachment(api, req, req.params.attachment_id);
        const service = await isServiceRequest(api, req);
        checkDeletionAllowed(api.store.db, service, a);
        finishDetach(api, a.volume_id, a.id);
        return json(200, { attachments: volumeAttachments(api.store.db, a.volume_id).map(summaryView) });
      },
    }),
    gated(NEW_ATTACH, {
      method: 'POST', path: '/attachments/:attachment_id/action', handler: (req) => {
        const body = req.body;
        if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length !== 1) throw badRequest('Malformed request body');
        const action = Object.keys(body)[0];
        if (action !== 'os-complete' || !req.microversion!.atLeast(NEW_ATTACH_COMPLETION)) {
          if (action === 'os-complete') throw routeNotFound();
          throw badRequest(`There is no such action: ${action}. Verify the request body and Content-Type header and try again.`);
        }
        const a = visibleAttachment(api, req, req.params.attachment_id);
        visibleVolume(api, req, a.volume_id);
        completeAttachment(api, a.id);
        return empty(204);
      },
    }),
  ];
}
