/**
 * Volume and snapshot metadata (cinder/api/v3/volume_metadata.py, snapshot_metadata.py): list,
 * create (merge), replace, item show/update/delete, one mechanism for both owners.
 */
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import { badRequest, empty, json, notFound, validateBody } from '../common';
import type { BlockStorageApi } from '../context';
import { deleteKv, findSnapshot, findVolume, readKv, writeKv, type KvTable } from '../models/volumes';
import { METADATA } from './volumes';

interface Owner {
  collection: 'volumes' | 'snapshots';
  param: string;
  table: KvTable;
  label: 'Volume' | 'Snapshot';
  /** Finds the owner (404 when not visible) and returns its id; `write`: refuses where Cinder does. */
  find(api: BlockStorageApi, req: ApiRequest, write: boolean): string;
}

const VOLUME: Owner = {
  collection: 'volumes', param: 'volume_id', table: 'volume_metadata', label: 'Volume',
  find(api, req, write) {
    const v = findVolume(api.store.db, req.auth, req.params.volume_id);
    if (write && v.status === 'maintenance') throw badRequest(`Invalid volume: Updating volume metadata is not allowed for volumes in ${v.status} status.`);
    return v.id;
  },
};
const SNAPSHOT: Owner = {
  collection: 'snapshots', param: 'snapshot_id', table: 'snapshot_metadata', label: 'Snapshot',
  find(api, req) {
    return findSnapshot(api.store.db, req.auth, req.params.snapshot_id).id;
  },
};

const BODY = { type: 'object', properties: { metadata: METADATA }, required: ['metadata'], additionalProperties: false };
const ITEM = {
  type: 'object',
  properties: { meta: { ...METADATA, minProperties: 1, maxProperties: 1 } },
  required: ['meta'],
  additionalProperties: false,
};

function list(api: BlockStorageApi, req: ApiRequest, o: Owner): ApiReply {
  const id = o.find(api, req, false);
  return json(200, { metadata: readKv(api.store.db, o.table, id) });
}

function write(api: BlockStorageApi, req: ApiRequest, o: Owner, replace: boolean): ApiReply {
  validateBody(BODY, req.body);
  const values = (req.body as { metadata: Record<string, string> }).metadata;
  const out = api.store.tx(() => {
    const id = o.find(api, req, true);
    writeKv(api.store.db, o.table, id, values, replace);
    touch(api, o, id);
    return readKv(api.store.db, o.table, id);
  });
  return json(200, { metadata: out });
}

function itemShow(api: BlockStorageApi, req: ApiRequest, o: Owner): ApiReply {
  const id = o.find(api, req, false);
  const meta = readKv(api.store.db, o.table, id);
  const key = req.params.key;
  if (!(key in meta)) throw notFound(`${o.label} ${id} has no metadata with key ${key}.`);
  return json(200, { meta: { [key]: meta[key] } });
}

function itemUpdate(api: BlockStorageApi, req: ApiRequest, o: Owner): ApiReply {
  const body = req.body as { meta?: Record<string, unknown> } | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body) && body.meta && typeof body.meta === 'object' && !Array.isArray(body.meta)) {
    if (Object.keys(body.meta).length > 1) throw badRequest('Request body contains too many items');
    if (Object.keys(body.meta).length === 1 && !(req.params.key in body.meta)) throw badRequest('Request body and URI mismatch');
  }
  validateBody(ITEM, req.body);
  const meta = (req.body as { meta: Record<string, string> }).meta;
  api.store.tx(() => {
    const id = o.find(api, req, true);
    writeKv(api.store.db, o.table, id, meta, false);
    touch(api, o, id);
  });
  return json(200, { meta });
}

function itemDelete(api: BlockStorageApi, req: ApiRequest, o: Owner): ApiReply {
  api.store.tx(() => {
    const id = o.find(api, req, true);
    if (!deleteKv(api.store.db, o.table, id, req.params.key)) throw notFound(`${o.label} ${id} has no metadata with key ${req.params.key}.`);
    touch(api, o, id);
  });
  return empty(200, 'webob');
}

function touch(api: BlockStorageApi, o: Owner, id: string): void {
  api.store.db.prepare(`UPDATE ${o.collection} SET updated_at = ? WHERE id = ?`).run(api.now(), id);
}

function routesFor(api: BlockStorageApi, o: Owner): Route[] {
  const base = `/${o.collection}/:${o.param}/metadata`;
  return [
    { method: 'GET', path: base, handler: (req) => list(api, req, o) },
    { method: 'POST', path: base, handler: (req) => write(api, req, o, false) },
    { method: 'PUT', path: base, handler: (req) => write(api, req, o, true) },
    { method: 'GET', path: `${base}/:key`, handler: (req) => itemShow(api, req, o) },
    { method: 'PUT', path: `${base}/:key`, handler: (req) => itemUpdate(api, req, o) },
    { method: 'DELETE', path: `${base}/:key`, handler: (req) => itemDelete(api, req, o) },
  ];
}

export function metadataRoutes(api: BlockStorageApi): Route[] {
  return [...routesFor(api, VOLUME), ...routesFor(api, SNAPSHOT)];
}
