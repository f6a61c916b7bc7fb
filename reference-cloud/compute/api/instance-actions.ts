/**
 * os-instance-actions (nova/api/openstack/compute/instance_actions.py): a server's actions,
 * newest first; 2.58 adds updated_at, paging by request id with a top-level `links`, and
 * changes-since (2.66 changes-before). Show: events for admins, and from 2.51 for everyone
 * without the traceback; 2.62 adds hostId (and host for admins); 2.84 details.
 */
import type { ApiRequest, Route } from '../../core/service';
import type { Db } from '../../core/store';
import { apiRoot, badRequest, dateTimeParam, isoNaive, json, notFound, paging } from '../common';
import type { ComputeApi } from '../context';
import { hostId } from '../views/servers';
import { findServer, inCell, isAdmin, requireReader } from './server-access';

interface ActionRow {
  id: number; action: string; instance_uuid: string; request_id: string; user_id: string; project_id: string;
  start_time: string; finish_time: string | null; message: string | null; updated_at: string | null;
}
interface EventRow { event: string; start_time: string; finish_time: string | null; result: string | null; traceback: string | null; host: string | null; details: string | null }

function actionView(req: ApiRequest, a: ActionRow): Record<string, unknown> {
  const v: Record<string, unknown> = {
    action: a.action, instance_uuid: a.instance_uuid, request_id: a.request_id, user_id: a.user_id, project_id: a.project_id,
    start_time: isoNaive(a.start_time), message: a.message,
  };
  if (req.microversion!.atLeast('2.58')) v.updated_at = isoNaive(a.updated_at);
  return v;
}

function eventView(req: ApiRequest, e: EventRow, projectId: string): Record<string, unknown> {
  const mv = req.microversion!;
  const admin = isAdmin(req);
  const v: Record<string, unknown> = { event: e.event, start_time: isoNaive(e.start_time), finish_time: isoNaive(e.finish_time), result: e.result };
  if (admin) v.traceback = e.traceback;
  if (mv.atLeast('2.62')) {
    if (admin) v.host = e.host;
    v.hostId = hostId(projectId, e.host);
  }
  if (mv.atLeast('2.84')) v.details = e.details;
  return v;
}

function listActions(db: Db, uuid: string, o: { limit?: number; marker?: string; since?: string; before?: string }): ActionRow[] {
  const where = ['instance_uuid = ?'];
  const params: unknown[] = [uuid];
  if (o.since) { where.push('IFNULL(updated_at, start_time) >= ?'); params.push(o.since); }
  if (o.before) { where.push('IFNULL(updated_at, start_time) <= ?'); params.push(o.before); }
  if (o.marker !== undefined) {
    const m = db.prepare('SELECT id, start_time FROM instance_actions WHERE instance_uuid = ? AND request_id = ?').get(uuid, o.marker) as { id: number; start_time: string } | undefined;
    if (!m) throw badRequest(`Marker ${o.marker} could not be found.`);
    where.push('(start_time < ? OR (start_time = ? AND id < ?))');
    params.push(m.start_time, m.start_time, m.id);
  }
  const limit = o.limit ?? -1;
  return db.prepare(`SELECT * FROM instance_actions WHERE ${where.join(' AND ')} ORDER BY start_time DESC, id DESC LIMIT ?`).all(...params, limit) as ActionRow[];
}

export function instanceActionRoutes(api: ComputeApi): Route[] {
  return [
    {
      method: 'GET', path: '/servers/:server_id/os-instance-actions',
      handler: (req) => {
        requireReader(req, 'os_compute_api:os-instance-actions:list');
        const mv = req.microversion!;
        // From 2.21 the actions of a deleted server can be read too.
        const found = findServer(api, req, req.params.server_id, { readDeleted: mv.atLeast('2.21') });
        const id = req.params.server_id;
        let o: { limit?: number; marker?: string; since?: string; before?: string } = {};
        if (mv.atLeast('2.58')) {
          const p = paging(req);
          o = { ...p, since: dateTimeParam(req, 'changes-since'), before: mv.atLeast('2.66') ? dateTimeParam(req, 'changes-before') : undefined };
          if (o.since && o.before && o.since > o.before) throw badRequest('The value of changes-since must be less than or equal to changes-before.');
        }
        const rows = found.kind === 'build' ? [] : inCell(() => listActions(found.cell.db, id, o));
        const out: Record<string, unknown> = { instanceActions: rows.map((a) => actionView(req, a)) };
        if (mv.atLeast('2.58') && o.limit !== undefined && rows.length > 0 && rows.length >= o.limit) {
          const params = new URLSearchParams();
          for (const [k, v] of Object.entries(req.query)) {
            if (k === 'marker') continue;
            for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
          }
          params.append('marker', rows[rows.length - 1].request_id);
          out.links = [{ rel: 'next', href: `${apiRoot(req)}/servers/${id}/os-instance-actions?${params.toString()}` }];
        }
        return json(200, out);
      },
    },
    {
      method: 'GET', path: '/servers/:server_id/os-instance-actions/:request_id',
      handler: (req) => {
        requireReader(req, 'os_compute_api:os-instance-actions:show');
        const found = findServer(api, req, req.params.server_id, { readDeleted: req.microversion!.atLeast('2.21') });
        const id = req.params.server_id;
        const rid = req.params.request_id;
        if (found.kind === 'build') throw notFound(`Action ${rid} not found`);
        return inCell(() => {
          const db = found.cell.db;
          const a = db.prepare('SELECT * FROM instance_actions WHERE instance_uuid = ? AND request_id = ? ORDER BY id DESC LIMIT 1').get(id, rid) as ActionRow | undefined;
          if (!a) throw notFound(`Action ${rid} not found`);
          const v = actionView(req, a);
          if (isAdmin(req) || req.microversion!.atLeast('2.51')) {
            const events = db.prepare('SELECT * FROM instance_actions_events WHERE action_id = ? ORDER BY start_time DESC, id DESC').all(a.id) as EventRow[];
            v.events = events.map((e) => eventView(req, e, found.row.project_id));
          }
          return json(200, { instanceAction: v });
        });
      },
    },
  ];
}
