/**
 * os-services (admin): the services of every cell, filtered by host and binary; integer ids
 * before 2.53 and uuids after; `forced_down` from 2.11; from 2.69 the compute services of a cell
 * that is down appear as {binary, host, status: "UNKNOWN"}. Updates are for nova-compute only:
 * before 2.53 by action (PUT /os-services/enable, disable, disable-log-reason, force-down with
 * {host, binary}), from 2.53 by uuid (PUT /os-services/{uuid} {status, disabled_reason,
 * forced_down}). DELETE refuses a compute service hosting instances, and otherwise takes its
 * host out of its aggregates and removes its compute node, resource provider and host mapping.
 */
import type { ApiRequest, Route } from '../../core/service';
import { badRequest, boolParam, bodyOf, conflict, empty, isoNaive, notFound, policyDenied, qstr, validateBody } from '../common';
import type { Cell } from '../cells';
import type { ComputeApi } from '../context';
import { hostZones } from '../models/zones';
import {
  allServices, COMPUTE_BINARY, computeServiceOfHost, findService, isUuidLike as isUuid, lastReport, serviceIsUp, serviceZone, type ServiceRow,
} from '../models/services';

const isAdmin = (req: ApiRequest): boolean => !!req.auth?.roles.includes('admin');
const rule = (action: string) => `os_compute_api:os-services:${action}`;
const admin = (req: ApiRequest, action: string): void => {
  if (!isAdmin(req)) throw policyDenied(rule(action));
};

const fqdn = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' };
const reasonSchema = { type: 'string', minLength: 1, maxLength: 255 };
const booleanSchema = {
  type: ['boolean', 'string'],
  enum: [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'],
};
const updateSchema = (withForcedDown: boolean) => ({
  type: 'object',
  properties: { host: fqdn, binary: reasonSchema, disabled_reason: reasonSchema, ...(withForcedDown ? { forced_down: booleanSchema } : {}) },
  required: ['host', 'binary'],
  additionalProperties: false,
});
const UPDATE_2_1 = updateSchema(false);
const UPDATE_2_11 = updateSchema(true);
const UPDATE_2_53 = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['enabled', 'disabled'] }, disabled_reason: reasonSchema, forced_down: booleanSchema },
  additionalProperties: false,
};

const toBool = (v: unknown): boolean => (typeof v === 'boolean' ? v : boolParam(String(v)) === true);

export function serviceRoutes(api: ComputeApi): Route[] {
  /** Nova's _get_service_detail. */
  const detail = (req: ApiRequest, row: ServiceRow, zone: string): Record<string, unknown> => {
    const now = api.clock.now();
    const out: Record<string, unknown> = {
      binary: row.binary,
      host: row.host,
      id: req.microversion!.atLeast('2.53') ? row.uuid : row.id,
      zone,
      status: row.disabled ? 'disabled' : 'enabled',
      state: serviceIsUp(row, now) ? 'up' : 'down',
      updated_at: isoNaive(lastReport(row, now)),
      disabled_reason: row.disabled_reason,
    };
    if (req.microversion!.atLeast('2.11')) out.forced_down = row.forced_down === 1;
    return out;
  };
  const zoneOf = (row: ServiceRow) => serviceZone(row, hostZones(api.store.db), api.topology.defaultZone);

  const update = (cell: Cell, row: ServiceRow, changes: Partial<Pick<ServiceRow, 'disabled' | 'disabled_reason' | 'forced_down'>>): ServiceRow => {
    const cols = Object.keys(changes);
    cell.tx((db) => db.prepare(`UPDATE services SET ${cols.map((c) => `${c} = @${c}`).join(', ')}, updated_at = @now WHERE id = @id`)
      .run({ ...changes, now: api.now(), id: row.id }));
    return cell.db.prepare('SELECT * FROM services WHERE id = ?').get(row.id) as ServiceRow;
  };

  /** Before 2.53: the service named by host and binary, nova-compute only. */
  const byHostBinary = (host: string, binary: string): { cell: Cell; row: ServiceRow } => {
    if (binary !== COMPUTE_BINARY) throw badRequest(`Updating a ${binary} service is not supported. Only nova-compute services can be updated.`);
    if (!api.cells.ofHost(host)) throw notFound(`Host '${host}' is not mapped to any cell`);
    const found = computeServiceOfHost(api, host);
    if (!found) throw notFound(`Could not find binary ${binary} on host ${host}.`);
    return found;
  };

  const legacyAction = (req: ApiRequest) => {
    const action = req.params.id;
    const mv = req.microversion!;
    const body = bodyOf(req);
    validateBody(mv.atLeast('2.11') ? UPDATE_2_11 : UPDATE_2_1, body);
    admin(req, 'update');
    const b = body as { host: string; binary: string; disabled_reason?: string; forced_down?: unknown };
    const actions = ['enable', 'disable', 'disable-log-reason', ...(mv.atLeast('2.11') ? ['force-down'] : [])];
    if (!actions.includes(action)) throw notFound('Unknown action');
    if (action === 'force-down') {
      if (b.forced_down === undefined) throw badRequest('Missing forced_down field');
      const forced = toBool(b.forced_down);
      const { cell, row } = byHostBinary(b.host, b.binary);
      update(cell, row, { forced_down: forced ? 1 : 0 });
      return { status: 200, body: { service: { host: b.host, binary: b.binary, forced_down: forced } } };
    }
    let reason: string | null = null;
    if (action === 'disable-log-reason') {
      if (b.disabled_reason === undefined) throw badRequest('Missing disabled reason field');
      reason = b.disabled_reason;
    }
    const disabled = action !== 'enable';
    const { cell, row } = byHostBinary(b.host, b.binary);
    update(cell, row, { disabled: disabled ? 1 : 0, disabled_reason: reason });
    const service: Record<string, unknown> = { host: b.host, binary: b.binary, status: disabled ? 'disabled' : 'enabled' };
    if (reason) service.disabled_reason = reason;
    return { status: 200, body: { service } };
  };

  const updateByUuid = (req: ApiRequest) => {
    const id = req.params.id;
    const body = bodyOf(req);
    validateBody(UPDATE_2_53, body);
    if (!isUuid(id)) throw badRequest(`Invalid uuid ${id}`);
    admin(req, 'update');
    const found = findService(api, id, true);
    if (!found) throw notFound(`Service ${id} could not be found.`);
    const { cell, row } = found;
    if (row.binary !== COMPUTE_BINARY) throw badRequest(`Updating a ${row.binary} service is not supported. Only nova-compute services can be updated.`);
    const b = body as { status?: string; disabled_reason?: string; forced_down?: unknown };
    const changes: Partial<ServiceRow> = {};
    if (b.status === 'enabled') {
      if (b.disabled_reason) throw badRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
      if (row.disabled !== 0) changes.disabled = 0;
      if (row.disabled_reason !== null) changes.disabled_reason = null;
    } else if (b.status === 'disabled') {
      if (row.disabled !== 1) changes.disabled = 1;
      if (row.disabled_reason !== (b.disabled_reason ?? null)) changes.disabled_reason = b.disabled_reason ?? null;
    }
    if (b.forced_down !== undefined) {
      const forced = toBool(b.forced_down) ? 1 : 0;
      if (row.forced_down !== forced) changes.forced_down = forced;
    }
    if (b.status === undefined && b.forced_down === undefined) {
      throw badRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified.");
    }
    const after = Object.keys(changes).length ? update(cell, row, changes) : row;
    const out = detail(req, after, zoneOf(after));
    out.forced_down = after.forced_down === 1;
    return { status: 200, body: { service: out } };
  };

  return [
    {
      method: 'GET', path: '/os-services',
      handler: (req) => {
        const mv = req.microversion!;
        if (mv.atLeast('2.75')) {
          const unknown = Object.keys(req.query).find((k) => k !== 'host' && k !== 'binary');
          if (unknown) throw badRequest(`Additional properties are not allowed ('${unknown}' was unexpected)`);
        }
        admin(req, 'list');
        const host = qstr(req, 'host');
        const binary = qstr(req, 'binary');
        const scan = allServices(api);
        const keep = (h: string, b: string) => (!host || h === host) && (!binary || b === binary);
        const services: unknown[] = scan.services
          .filter((s) => !['nova-osapi_compute', 'nova-metadata'].includes(s.row.binary) && keep(s.row.host, s.row.binary))
          .map((s) => detail(req, s.row, s.zone));
        if (mv.atLeast('2.69')) {
          for (const d of scan.down) {
            for (const h of d.hosts) if (keep(h, COMPUTE_BINARY)) services.push({ binary: COMPUTE_BINARY, host: h, status: 'UNKNOWN' });
          }
        }
        return { status: 200, body: { services } };
      },
    },
    {
      method: 'PUT', path: '/os-services/:id',
      handler: (req) => (req.microversion!.atLeast('2.53') ? updateByUuid(req) : legacyAction(req)),
    },
    {
      method: 'DELETE', path: '/os-services/:id',
      handler: (req) => {
        admin(req, 'delete');
        const id = req.params.id;
        const byUuid = req.microversion!.atLeast('2.53');
        if (byUuid && !isUuid(id)) throw badRequest(`Invalid uuid ${id}`);
        if (!byUuid && !/^-?\d+$/.test(id.trim())) throw badRequest(`Invalid input received: id must be an integer`);
        const found = findService(api, id, byUuid);
        if (!found) throw notFound(`Service ${id} could not be found.`);
        const { cell, row } = found;
        if (row.binary === COMPUTE_BINARY) deleteComputeHost(api, cell, row);
        else cell.tx((db) => db.prepare('DELETE FROM services WHERE id = ?').run(row.id));
        return empty(204);
      },
    },
  ];
}

/** Deletes a compute service with its node, resource provider, aggregate memberships and host mapping. */
function deleteComputeHost(api: ComputeApi, cell: Cell, row: ServiceRow): void {
  const hosting = cell.db.prepare('SELECT COUNT(*) AS n FROM instances WHERE host = ? AND deleted = 0').get(row.host) as { n: number };
  if (hosting.n > 0) throw conflict('Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');
  const migrating = cell.db.prepare(
    `SELECT COUNT(*) AS n FROM migrations WHERE (source_compute = ? OR dest_compute = ?)
     AND status NOT IN ('confirmed', 'reverted', 'error', 'failed', 'completed', 'cancelled', 'done')`,
  ).get(row.host, row.host) as { n: number };
  if (migrating.n > 0) throw conflict('Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.');
  api.store.tx(() => {
    const held = api.store.db.prepare('SELECT COUNT(*) AS n FROM allocations WHERE host = ?').get(row.host) as { n: number };
    if (held.n > 0) throw conflict('Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');
    api.store.db.prepare('DELETE FROM aggregate_hosts WHERE host = ?').run(row.host);
    api.store.db.prepare('DELETE FROM resource_providers WHERE host = ?').run(row.host);
    api.store.db.prepare('DELETE FROM host_mappings WHERE host = ?').run(row.host);
  });
  cell.tx((db) => {
    db.prepare('DELETE FROM compute_nodes WHERE service_id = ?').run(row.id);
    db.prepare('DELETE FROM services WHERE id = ?').run(row.id);
  });
}
