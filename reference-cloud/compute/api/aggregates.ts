/**
 * os-aggregates (admin). Create answers 200 without hosts and metadata; show, list, update and
 * the actions (add_host, remove_host, set_metadata) answer the whole aggregate, with `uuid` from
 * 2.41; image caching requests (2.81) are checked and accepted; delete answers 200 and refuses an aggregate that still has hosts. An aggregate's
 * availability zone is its `availability_zone` metadata: a host cannot be in two zones, a zone
 * cannot be emptied of its name, and a zone cannot be renamed under instances. Each change is
 * one API-database transaction, so concurrent changes cannot both pass a check.
 */
import { ApiError } from '../../core/errors';
import { pyRepr } from '../../core/validation';
import type { ApiRequest, Route } from '../../core/service';
import { badRequest, bodyOf, conflict, empty, isoNaive, notFound, policyDenied, pyStr, routeNotFound, validateBody } from '../common';
import type { ComputeApi } from '../context';
import {
  aggregateById, aggregateByName, allAggregates, conflictingZones, insertAggregate, loadAggregate, setMetadata, type Aggregate,
} from '../models/aggregates';
import { computeServiceOfHost } from '../models/services';

const rule = (action: string) => `os_compute_api:os-aggregates:${action}`;
const admin = (req: ApiRequest, action: string): void => {
  if (!req.auth?.roles.includes('admin')) throw policyDenied(rule(action));
};

// Nova's parameter types: name (printable, no leading/trailing whitespace), az_name (and no ':').
const nameSchema = { type: 'string', minLength: 1, maxLength: 255 };
// Nova's oneOf [az_name, null]: checked by checkZoneField, worded as jsonschema words a oneOf.
const zoneSchema = {};
const fqdn = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' };
const CREATE = {
  type: 'object',
  properties: { aggregate: { type: 'object', properties: { name: nameSchema, availability_zone: zoneSchema }, required: ['name'], additionalProperties: false } },
  required: ['aggregate'], additionalProperties: false,
};
const UPDATE = {
  type: 'object',
  properties: {
    aggregate: {
      // Nova's anyOf [required name, required availability_zone] is checked after the schema.
      type: 'object', properties: { name: nameSchema, availability_zone: zoneSchema }, additionalProperties: false,
    },
  },
  required: ['aggregate'], additionalProperties: false,
};
const hostAction = (action: string) => ({
  type: 'object',
  properties: { [action]: { type: 'object', properties: { host: fqdn }, required: ['host'], additionalProperties: false } },
  required: [action], additionalProperties: false,
});
const ADD_HOST = hostAction('add_host');
const REMOVE_HOST = hostAction('remove_host');
const SET_METADATA = {
  type: 'object',
  properties: {
    set_metadata: {
      type: 'object',
      properties: {
        metadata: {
          type: 'object',
          patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: ['string', 'null'], maxLength: 255 } },
          additionalProperties: false,
        },
      },
      required: ['metadata'], additionalProperties: false,
    },
  },
  required: ['set_metadata'], additionalProperties: false,
};

const IMAGES = {
  type: 'object',
  properties: {
    cache: {
      type: 'array', minItems: 1,
      items: { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false, required: ['id'] },
    },
  },
  required: ['cache'], additionalProperties: false,
};
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** Python's str.isprintable, roughly: no control, format, separator (but space), unassigned or private characters. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

/** Nova's 'name' / 'az_name' formats, checked after the schema (its FormatChecker's InvalidName). */
export function checkName(value: string, kind: 'name' | 'az_name'): void {
  const ok = !UNPRINTABLE.test(value) && !/^\s|\s$/.test(value) && (kind === 'name' || !value.includes(':'));
  if (ok) return;
  const reason = kind === 'name'
    ? 'printable characters. Can not start or end with whitespace.'
    : 'printable characters except :.Can not start or end with whitespace.';
  throw badRequest(`An invalid 'name' value was provided. The name must be: ${reason}`);
}

/** availability_zone: a string of 1 to 255 characters (az_name) or null. */
function checkZoneField(given: { availability_zone?: unknown }): void {
  if (!('availability_zone' in given)) return;
  const v = given.availability_zone;
  if (v === null || (typeof v === 'string' && v.length >= 1 && v.length <= 255)) return;
  throw badRequest(`Invalid input for field/attribute availability_zone. Value: ${pyStr(v)}. ${pyRepr(v)} is not valid under any of the given schemas`);
}

/** Nova's normalize_name: surrounding whitespace removed. */
const normalizeName = (s: string): string => s.trim();

/** utils.validate_integer on the path id. */
function aggregateId(raw: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(raw)) throw badRequest('Invalid input received: id must be an integer');
  return Number(raw);
}

export function aggregateRoutes(api: ComputeApi): Route[] {
  const db = () => api.store.db;

  /** Nova's _marshall_aggregate: the object's fields in order, uuid from 2.41, naive timestamps. */
  const view = (req: ApiRequest, a: Aggregate, opts: { updatedAt?: string; withHostsAndMetadata?: boolean } = {}) => {
    const out: Record<string, unknown> = { id: a.id };
    if (req.microversion!.atLeast('2.41')) out.uuid = a.uuid;
    out.name = a.name;
    if (opts.withHostsAndMetadata !== false) {
      out.hosts = a.hosts;
      out.metadata = a.metadata;
    }
    out.created_at = isoNaive(a.created_at);
    out.updated_at = isoNaive(opts.updatedAt ?? a.updated_at);
    out.deleted_at = null;
    out.deleted = false;
    out.availability_zone = a.metadata.availability_zone ?? null;
    return { aggregate: out };
  };

  const get = (id: number): Aggregate => {
    const row = aggregateById(db(), id);
    if (!row) throw notFound(`Aggregate ${id} could not be found.`);
    return loadAggregate(db(), row);
  };

  /** Nova's is_safe_to_update_az for metadata that sets availability_zone. */
  const checkZoneChange = (a: Aggregate, metadata: Record<string, string | null>, hosts: string[], fail: (reason: string) => ApiError, checkInstances: boolean) => {
    if (!('availability_zone' in metadata)) return;
    const zone = metadata.availability_zone;
    if (!zone) throw fail(`Aggregate ${a.name} does not support empty named availability zone`);
    const conflicting = conflictingZones(db(), a.id, hosts, zone);
    if (conflicting.length) throw fail(`One or more hosts already in availability zone(s) ${pyStr(conflicting)}`);
    if (checkInstances && a.metadata.availability_zone !== zone && hostsHaveInstances(hosts)) {
      throw fail('One or more hosts contain instances in this zone');
    }
  };

  const hostsHaveInstances = (hosts: string[]): boolean => {
    if (hosts.length === 0) return false;
    for (const cell of api.cells.withHosts()) {
      if (cell.down) continue;
      const n = cell.db.prepare(`SELECT COUNT(*) AS n FROM instances WHERE deleted = 0 AND host IN (${hosts.map(() => '?').join(', ')})`).get(...hosts) as { n: number };
      if (n.n > 0) return true;
    }
    return false;
  };

  const actions: Record<string, (req: ApiRequest, rawId: string, body: unknown) => unknown> = {
    add_host: (req, rawId, body) => {
      validateBody(ADD_HOST, body);
      admin(req, 'add_host');
      const host = (body as { add_host: { host: string } }).add_host.host;
      const aggId = aggregateId(rawId);
      if (!computeServiceOfHost(api, host)) throw notFound(`Compute host ${host} could not be found.`);
      return api.store.tx(() => {
        const a = get(aggId);
        checkZoneChange(a, a.metadata, [host], (r) => new ApiError(409, `Cannot add host to aggregate ${a.id}. Reason: ${r}.`), false);
        if (a.hosts.includes(host)) throw conflict(`Aggregate ${a.id} already has host ${host}.`);
        db().prepare('INSERT INTO aggregate_hosts (aggregate_id, host) VALUES (?, ?)').run(a.id, host);
        return view(req, get(a.id));
      });
    },
    remove_host: (req, rawId, body) => {
      validateBody(REMOVE_HOST, body);
      admin(req, 'remove_host');
      const id = aggregateId(rawId);
      const host = (body as { remove_host: { host: string } }).remove_host.host;
      const missing = () => notFound(`Cannot remove host ${host} in aggregate ${id}`);
      if (!computeServiceOfHost(api, host)) throw missing();
      return api.store.tx(() => {
        const row = aggregateById(db(), id);
        if (!row) throw missing();
        const removed = db().prepare('DELETE FROM aggregate_hosts WHERE aggregate_id = ? AND host = ?').run(id, host).changes;
        if (!removed) throw missing();
        return view(req, get(id));
      });
    },
    set_metadata: (req, rawId, body) => {
      validateBody(SET_METADATA, body);
      admin(req, 'set_metadata');
      const id = aggregateId(rawId);
      const metadata = (body as { set_metadata: { metadata: Record<string, string | null> } }).set_metadata.metadata;
      return api.store.tx(() => {
        const a = get(id);
        checkZoneChange(a, metadata, a.hosts, (r) => badRequest(`Cannot update metadata of aggregate ${a.id}. Reason: ${r}.`), true);
        setMetadata(db(), a.id, metadata);
        return view(req, get(a.id), { updatedAt: api.now() });
      });
    },
  };

  return [
    {
      method: 'GET', path: '/os-aggregates',
      handler: (req) => {
        admin(req, 'index');
        return { status: 200, body: { aggregates: allAggregates(db()).map((a) => view(req, a).aggregate) } };
      },
    },
    {
      method: 'POST', path: '/os-aggregates',
      handler: (req) => {
        const body = bodyOf(req);
        validateBody(CREATE, body);
        const given = (body as { aggregate: { name: string; availability_zone?: string | null } }).aggregate;
        checkZoneField(given);
        checkName(given.name, 'name');
        if (typeof given.availability_zone === 'string') checkName(given.availability_zone, 'az_name');
        admin(req, 'create');
        const name = normalizeName(given.name);
        const zone = given.availability_zone ? normalizeName(given.availability_zone) : null;
        const a = api.store.tx(() => {
          if (aggregateByName(db(), name)) throw conflict(`Aggregate ${name} already exists.`);
          return loadAggregate(db(), insertAggregate(db(), name, zone ? { availability_zone: zone } : {}, api.now()));
        });
        return { status: 200, body: view(req, a, { withHostsAndMetadata: false }) };
      },
    },
    {
      method: 'GET', path: '/os-aggregates/:id',
      handler: (req) => {
        admin(req, 'show');
        return { status: 200, body: view(req, get(aggregateId(req.params.id))) };
      },
    },
    {
      method: 'PUT', path: '/os-aggregates/:id',
      handler: (req) => {
        const body = bodyOf(req);
        validateBody(UPDATE, body);
        const given = (body as { aggregate: { name?: string; availability_zone?: string | null } }).aggregate;
        if (Object.keys(given).length === 0) {
          throw badRequest('Invalid input for field/attribute aggregate. Value: {}. {} is not valid under any of the given schemas');
        }
        checkZoneField(given);
        if (typeof given.availability_zone === 'string') checkName(given.availability_zone, 'az_name');
        admin(req, 'update');
        const id = aggregateId(req.params.id);
        return api.store.tx(() => {
          const a = get(id);
          const now = api.now();
          let updatedAt: string | undefined;
          if (given.name !== undefined) {
            const name = normalizeName(given.name);
            const other = aggregateByName(db(), name);
            if (other && other.id !== a.id) throw conflict(`Aggregate ${name} already exists.`);
            db().prepare('UPDATE aggregates SET name = ?, updated_at = ? WHERE id = ?').run(name, now, a.id);
          }
          if ('availability_zone' in given) {
            const metadata = { availability_zone: given.availability_zone ?? null };
            checkZoneChange(a, metadata, a.hosts, (r) => badRequest(`Cannot update aggregate ${a.id}. Reason: ${r}.`), true);
            setMetadata(db(), a.id, metadata);
            updatedAt = now;
          }
          return { status: 200, body: view(req, get(a.id), { updatedAt }) };
        });
      },
    },
    {
      method: 'DELETE', path: '/os-aggregates/:id',
      handler: (req) => {
        admin(req, 'delete');
        const id = aggregateId(req.params.id);
        api.store.tx(() => {
          const a = get(id);
          if (a.hosts.length > 0) throw badRequest(`Cannot remove host from aggregate ${a.id}. Reason: Host aggregate is not empty.`);
          db().prepare('DELETE FROM aggregates WHERE id = ?').run(a.id);
        });
        return empty(200);
      },
    },
    {
      // 2.81: ask the aggregate's hosts to cache images. The fake driver has no image cache, so
      // once the images are known to exist the request is done (Nova answers 202 either way).
      method: 'POST', path: '/os-aggregates/:id/images',
      handler: async (req) => {
        if (!req.microversion!.atLeast('2.81')) throw routeNotFound();
        const body = bodyOf(req);
        validateBody(IMAGES, body);
        const ids = (body as { cache: { id: string }[] }).cache.map((c) => c.id);
        const bad = ids.find((i) => !UUID.test(i));
        if (bad !== undefined) throw badRequest(`Invalid input for field/attribute id. Value: ${bad}. '${bad}' is not a 'uuid'`);
        if (!req.auth?.roles.includes('admin')) throw policyDenied('compute:aggregates:images');
        const id = aggregateId(req.params.id);
        if (new Set(ids).size !== ids.length) throw badRequest('Duplicate images in request');
        get(id);
        for (const image of ids) {
          const r = await api.peers.call('image', 'GET', `/v2/images/${image}`, { token: req.auth!.token });
          if (r.status === 404) throw badRequest(`Image ${image} could not be found.`);
          if (r.status >= 400) throw new ApiError(503, `The image service answered ${r.status}.`);
        }
        return empty(202);
      },
    },
    {
      method: 'POST', path: '/os-aggregates/:id/action',
      handler: (req) => {
        const body = bodyOf(req);
        if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Malformed request body');
        const keys = Object.keys(body);
        if (keys.length !== 1) throw badRequest('Malformed request body');
        const action = actions[keys[0]];
        if (!action) throw badRequest(`There is no such action: ${keys[0]}`);
        return { status: 200, body: action(req, req.params.id, body) };
      },
    },
  ];
}
