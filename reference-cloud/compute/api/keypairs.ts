/**
 * Keypairs (os-keypairs), as Nova's keypairs controller answers them: a user's own keypairs, an
 * admin's for another user from 2.10 (`user_id`); create 200 at 2.1 and 201 from 2.2 (with the
 * type), the public key required from 2.92; delete 202 then 204 from 2.2; list pages by name
 * from 2.35; at most `key_pairs` keypairs per user (the quota of the caller's project).
 */
import type { ApiReply, ApiRequest, Route } from '../../core/service';
import { badRequest, bodyOf, conflict, empty, forbidden, isoNaive, json, nextLink, notFound, paging, policyDenied, qall, validateBody } from '../common';
import type { ComputeApi } from '../context';
import {
  countKeypairs, generateSshKeypair, insertKeypair, InvalidKeypair, keypairByName, listKeypairs, sshFingerprint,
  x509Fingerprint, type KeypairRow,
} from '../models/keypairs';
import { generateX509Keypair } from '../models/x509';

const RULE = (action: string) => `os_compute_api:os-keypairs:${action}`;

/** The user whose keypairs a request is about: `user_id` (2.10+, admin for another user) or the caller. */
function targetUser(req: ApiRequest, action: string, fromBody?: unknown): string {
  const auth = req.auth!;
  let userId: string | undefined;
  if (req.microversion!.atLeast('2.10')) {
    userId = typeof fromBody === 'string' ? fromBody : qall(req, 'user_id')[0];
  }
  userId = userId || auth.userId;
  if (userId !== auth.userId && !auth.roles.includes('admin')) throw policyDenied(RULE(action));
  return userId;
}

function keypairNotFound(name: string, userId: string) {
  return notFound(`Keypair ${name} not found for user ${userId}`);
}

// ---------------------------------------------------------------------------------------------
// Views (nova/api/openstack/compute/views/keypairs.py)

function createView(k: KeypairRow, withType: boolean, privateKey?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (privateKey !== undefined) out.private_key = privateKey;
  if (withType) out.type = k.type;
  Object.assign(out, { name: k.name, public_key: k.public_key, fingerprint: k.fingerprint, user_id: k.user_id });
  return out;
}

function listView(k: KeypairRow, withType: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { name: k.name, public_key: k.public_key, fingerprint: k.fingerprint };
  if (withType) out.type = k.type;
  return out;
}

function showView(k: KeypairRow, withType: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: k.name, public_key: k.public_key, fingerprint: k.fingerprint, user_id: k.user_id,
    created_at: isoNaive(k.created_at), deleted: false, deleted_at: null, id: k.id, updated_at: isoNaive(k.updated_at),
  };
  if (withType) out.type = k.type;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Create

/** Nova's create schemas: type from 2.2, user_id from 2.10, public_key required from 2.92. */
function createSchema(req: ApiRequest): object {
  const mv = req.microversion!;
  const properties: Record<string, unknown> = { name: { type: 'string', minLength: 1, maxLength: 255 }, public_key: { type: 'string' } };
  if (mv.atLeast('2.2')) properties.type = { type: 'string', enum: ['ssh', 'x509'] };
  if (mv.atLeast('2.10')) properties.user_id = { type: 'string' };
  return {
    type: 'object',
    properties: {
      keypair: { type: 'object', properties, required: mv.atLeast('2.92') ? ['name', 'public_key'] : ['name'], additionalProperties: false },
    },
    required: ['keypair'],
    additionalProperties: false,
  };
}
const schemas = new Map<string, object>();
function schemaFor(req: ApiRequest): object {
  const mv = req.microversion!;
  const key = mv.atLeast('2.92') ? '2.92' : mv.atLeast('2.10') ? '2.10' : mv.atLeast('2.2') ? '2.2' : '2.1';
  if (!schemas.has(key)) schemas.set(key, createSchema(req));
  return schemas.get(key)!;
}

const SAFE_20 = '_- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SAFE_292 = `@.${SAFE_20}`;

/** Nova's keypair name formats: `name` (no edge whitespace, printable), then the safe characters. */
export function keypairNameProblem(name: string, atLeast292: boolean): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/^\s|\s$/.test(name) || /[\u0000-\u001f\u007f]/.test(name)) {
    return "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.";
  }
  const safe = atLeast292 ? SAFE_292 : SAFE_20;
  if ([...name].some((c) => !safe.includes(c))) {
    return `An invalid 'name' value was provided. The name must be: Only expected characters: [${safe}]`;
  }
  return undefined;
}

async function createKeypair(api: ComputeApi, req: ApiRequest): Promise<ApiReply> {
  const mv = req.microversion!;
  const body = bodyOf(req);
  validateBody(schemaFor(req), body);
  const params = (body as { keypair: { name: string; public_key?: string; type?: 'ssh' | 'x509'; user_id?: string } }).keypair;
  const problem = keypairNameProblem(params.name, mv.atLeast('2.92'));
  if (problem) throw badRequest(problem);
  const userId = targetUser(req, 'create', params.user_id);
  const type = params.type ?? 'ssh';
  const projectId = req.auth!.projectId ?? '';
  const overQuota = () => {
    const limit = api.quotas.limit(projectId, 'key_pairs');
    return limit >= 0 && countKeypairs(api.store.db, userId) + 1 > limit;
  };
  if (overQuota()) throw forbidden('Quota exceeded, too many key pairs.');
  let fingerprint: string;
  let publicKey: string;
  let privateKey: string | undefined;
  try {
    if (params.public_key !== undefined) {
      publicKey = params.public_key;
      fingerprint = type === 'x509' ? x509Fingerprint(publicKey) : sshFingerprint(publicKey);
    } else if (type === 'x509') {
      ({ privateKey, certificate: publicKey, fingerprint } = await generateX509Keypair(userId, api.clock.now()));
    } else {
      ({ privateKey, publicKey, fingerprint } = await generateSshKeypair());
    }
  } catch (e) {
    if (e instanceof InvalidKeypair) throw badRequest(`Keypair data is invalid: ${e.message}`);
    throw e;
  }
  const created = api.store.tx(() => {
    // Counted again with the insert: two concurrent creates cannot both pass the quota.
    if (overQuota()) return 'quota' as const;
    return insertKeypair(api.store.db, { name: params.name, user_id: userId, fingerprint, public_key: publicKey, type, created_at: api.now() }) ?? ('exists' as const);
  });
  if (created === 'quota') throw forbidden('Quota exceeded, too many key pairs.');
  if (created === 'exists') throw conflict(`Key pair '${params.name}' already exists.`);
  return json(mv.atLeast('2.2') ? 201 : 200, { keypair: createView(created, mv.atLeast('2.2'), privateKey) });
}

// ---------------------------------------------------------------------------------------------

function listKeypairsReply(api: ComputeApi, req: ApiRequest): ApiReply {
  const mv = req.microversion!;
  const userId = targetUser(req, 'index');
  const paged = mv.atLeast('2.35');
  const { limit, marker } = paged ? paging(req) : { limit: undefined, marker: undefined };
  const db = api.store.db;
  if (marker !== undefined && !keypairByName(db, userId, marker)) throw badRequest(`Marker ${marker} could not be found.`);
  const rows = listKeypairs(db, userId, limit ?? (paged ? 1000 : -1), marker);
  const out: Record<string, unknown> = { keypairs: rows.map((k) => ({ keypair: listView(k, mv.atLeast('2.2')) })) };
  if (paged) {
    const next = nextLink(req, '/os-keypairs', rows.length, limit, rows[rows.length - 1]?.name);
    if (next) out.keypairs_links = next;
  }
  return json(200, out);
}

function showKeypair(api: ComputeApi, req: ApiRequest): ApiReply {
  const userId = targetUser(req, 'show');
  const k = keypairByName(api.store.db, userId, req.params.name);
  if (!k) throw keypairNotFound(req.params.name, userId);
  return json(200, { keypair: showView(k, req.microversion!.atLeast('2.2')) });
}

function deleteKeypair(api: ComputeApi, req: ApiRequest): ApiReply {
  const userId = targetUser(req, 'delete');
  const name = req.params.name;
  const gone = api.store.tx(() => api.store.db.prepare('DELETE FROM key_pairs WHERE user_id = ? AND name = ?').run(userId, name).changes);
  if (!gone) throw keypairNotFound(name, userId);
  return empty(req.microversion!.atLeast('2.2') ? 204 : 202);
}

export function keypairRoutes(api: ComputeApi): Route[] {
  return [
    { method: 'GET', path: '/os-keypairs', handler: (req) => listKeypairsReply(api, req) },
    { method: 'POST', path: '/os-keypairs', handler: (req) => createKeypair(api, req) },
    { method: 'GET', path: '/os-keypairs/:name', handler: (req) => showKeypair(api, req) },
    { method: 'DELETE', path: '/os-keypairs/:name', handler: (req) => deleteKeypair(api, req) },
  ];
}
