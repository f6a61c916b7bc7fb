/**
 * Block-storage (Cinder v3) steps: requests at a microversion, schemas chosen by the microversion
 * the answer echoes, Cinder faults, bounded waits for a volume's (snapshot's, backup's) status,
 * attaching through Nova, and requests under another project's URL.
 *
 * What Cinder deletes asynchronously (a volume, a snapshot) blocks the deletes after it (a volume
 * with a snapshot, a type in use), and a volume attached through Nova cannot be deleted at all; so
 * each volume, snapshot and backup a scenario waits for, and each Nova attachment, gets an undo that
 * runs after the scenario before the ledger's deletes (newest first): detach and wait, delete and
 * wait until gone.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { checkExchange, SchemaRegistry } from '../harness/wire';
import { discoveryRoot } from '../harness/client';
import type { Exchange, Session } from '../harness/client';
import { undoAfterScenario } from './support/undo';
import type { StackproofWorld } from './support/world';

const registry = new SchemaRegistry();
const SERVICE = 'block-storage';
const POLL_MS = 250;

function mv(version: string): Record<string, string> {
  return { 'OpenStack-API-Version': `volume ${version}` };
}

When('I send {word} {string} to the block-storage service at microversion {string}', async function (
  this: StackproofWorld, method: string, path: string, version: string) {
  await this.send({ service: SERVICE, method, path, headers: mv(version) });
});
When('I send {word} {string} to the block-storage service at microversion {string} with:', async function (
  this: StackproofWorld, method: string, path: string, version: string, body: string) {
  await this.send({ service: SERVICE, method, path, body, headers: mv(version) });
});

/**
 * A request under /v3/<project>/ for a project the token is not scoped to (Cinder answers 400
 * "Malformed request url" whoever asks).
 */
When('I send GET {string} to the block-storage service under the project {string}', async function (
  this: StackproofWorld, path: string, projectExpr: string) {
  const session = this.session();
  await session.authenticate();
  const { root } = discoveryRoot(session.endpointFor(SERVICE), session.token?.body.project?.id);
  const url = `${root}v3/${encodeURIComponent(this.expand(projectExpr))}${this.expand(path)}`;
  this.last = await session.request({ method: 'GET', url });
});

/** The microversion the last answer echoes in OpenStack-API-Version (3.0 when none). */
function echoed(world: StackproofWorld): string {
  return /^volume (\d+\.\d+)$/.exec(world.last!.response.headers['openstack-api-version'] ?? '')?.[1] ?? '3.0';
}

/** The schema volume/<name> at the microversion the answer echoes. */
Then('the response is {int} matching the volume schema {string}', function (this: StackproofWorld, status: number, name: string) {
  checkExchange(this.last!, { status, schema: registry.atMicroversion(`volume/${name}`, echoed(this)) });
});

/** A Cinder fault: the status, the fault name and a pattern its message must match. */
Then('the response is a {int} {word} volume fault whose message matches {string}', function (
  this: StackproofWorld, status: number, fault: string, pattern: string) {
  checkExchange(this.last!, { status, schema: 'volume/error' });
  const body = this.json() as Record<string, { code: number; message: string; retryAfter?: string }>;
  assert.deepEqual(Object.keys(body), [fault], `the fault is ${Object.keys(body).join(', ')}, expected ${fault}`);
  assert.equal(body[fault]!.code, status, `${fault}.code is ${body[fault]!.code}`);
  assert.match(body[fault]!.message, new RegExp(this.expand(pattern)), `${fault}.message is ${JSON.stringify(body[fault]!.message)}`);
  if (fault === 'overLimit') assert.equal(body[fault]!.retryAfter, '0', `overLimit.retryAfter is ${JSON.stringify(body[fault]!.retryAfter)}, expected "0"`);
});

/** A key of quota_set whose name holds variables (volumes_<type>): its limit, or its {limit,in_use,reserved} with usage. */
Then('the quota {string} in the response is {string}', function (this: StackproofWorld, keyExpr: string, expected: string) {
  const key = this.expand(keyExpr);
  const set = (this.json() as { quota_set?: Record<string, unknown> } | undefined)?.quota_set;
  assert.ok(set && typeof set === 'object', `the response has no quota_set: ${this.last!.response.text.slice(0, 200)}`);
  assert.equal(String(set[key]), this.expand(expected), `quota_set["${key}"] is ${JSON.stringify(set[key])}, expected ${this.expand(expected)}`);
});

/**
 * Cinder counts a deleted volume out of the quota after it answers 404 for it (the volume manager
 * commits the usage change after destroying the row), so a scenario about usage first waits until
 * the project's usage of a resource has settled at the expected figure (read by the project's member).
 */
Given('the block-storage quota usage of {string} in my project is {int} within {int} seconds', { timeout: 70_000 }, async function (
  this: StackproofWorld, resource: string, expected: number, seconds: number) {
  const deadline = Date.now() + Math.min(seconds, 60) * 1000;
  const path = `/os-quota-sets/${encodeURIComponent(this.expand('{project_id}'))}?usage=True`;
  let seen: unknown;
  for (;;) {
    const ex = await this.session('member').request({ service: SERVICE, method: 'GET', path });
    checkExchange(ex, { status: 200 });
    const q = (ex.response.json as { quota_set?: Record<string, { in_use?: number; reserved?: number }> }).quota_set?.[resource];
    seen = q;
    if (q && q.in_use === expected && q.reserved === 0) return;
    assert.ok(Date.now() < deadline, `the usage of ${resource} is ${JSON.stringify(seen)} after ${seconds} s, expected in_use ${expected} and nothing reserved`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
});

// ----------------------------------------------------------------------------- waiting

type Kind = 'volume' | 'snapshot' | 'backup';
const COLLECTION: Record<Kind, string> = { volume: 'volumes', snapshot: 'snapshots', backup: 'backups' };
/** Statuses that end a wait at once unless they are the one wanted. */
const FAILED = /^error/;

function kindOf(word: string): Kind {
  assert.ok(word in COLLECTION, `"${word}" is not a volume, snapshot or backup`);
  return word as Kind;
}

async function show(session: Session, kind: Kind, id: string) {
  const ex = await session.request({ service: SERVICE, method: 'GET', path: `/${COLLECTION[kind]}/${encodeURIComponent(id)}` });
  return { ex, item: (ex.response.json as Record<string, Record<string, unknown>> | undefined)?.[kind] };
}

/** Polls as the admin until 404 (bounded); false when still there at the deadline. */
async function awaitGone(session: Session, kind: Kind, id: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { ex } = await show(session, kind, id);
    if (ex.response.status === 404) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Undos this file registered per scenario: registering one again would move it after later ones. */
const registered = new WeakMap<StackproofWorld, Set<string>>();

/** After the scenario: delete (as the admin, who may delete any project's) and wait until gone. */
function deleteAfterScenario(world: StackproofWorld, kind: Kind, id: string): void {
  const admin = world.ctx.admin;
  const keys = registered.get(world) ?? new Set<string>();
  registered.set(world, keys);
  if (keys.has(`${kind}:${id}`)) return;
  keys.add(`${kind}:${id}`);
  undoAfterScenario(world, `${kind}:${id}`, `delete ${kind} ${id}`, async () => {
    const path = `/${COLLECTION[kind]}/${encodeURIComponent(id)}`;
    const now = await show(admin, kind, id);
    if (now.ex.response.status === 404) return;
    if (now.item?.status !== 'deleting') { // the scenario's own delete may still be running
      const del = await admin.request({ service: SERVICE, method: 'DELETE', path });
      if (del.response.status === 404) return;
      if (del.response.status >= 300) throw new Error(`DELETE ${path} answered ${del.response.status}: ${del.response.text.slice(0, 200)}`);
    }
    if (!(await awaitGone(admin, kind, id, 60_000))) throw new Error(`${kind} ${id} is still there 60 s after its DELETE`);
  });
}

/**
 * Polls the volume (snapshot, backup) as the scenario's persona until its status is one of those
 * wanted ("available", or "in-use or available"); fails at once on an error status nobody wanted.
 * The volume is deleted after the scenario (and waited for), whatever the scenario does.
 */
When(/^I wait until the (volume|snapshot|backup) "([^"]*)" is "([^"]*)" within (\d+) seconds$/, { timeout: 310_000 }, async function (
  this: StackproofWorld, word: string, idExpr: string, wanted: string, seconds: string) {
  const kind = kindOf(word);
  const id = this.expand(idExpr);
  const want = wanted.split(/\s+or\s+/).map((s) => s.trim());
  const limit = Math.min(Number(seconds), 300) * 1000;
  deleteAfterScenario(this, kind, id);
  const deadline = Date.now() + limit;
  const seen: string[] = [];
  for (;;) {
    const { ex, item } = await show(this.session(), kind, id);
    this.last = ex;
    assert.equal(ex.response.status, 200, `GET ${kind} ${id} answered ${ex.response.status} while waiting for ${wanted}: ${ex.response.text.slice(0, 200)}`);
    const status = String(item?.status);
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (want.includes(status)) return;
    if (FAILED.test(status)) assert.fail(`${kind} ${id} went to ${status} (${seen.join(' → ')}), expected ${wanted}${item?.fail_reason ? `: ${String(item.fail_reason)}` : ''}`);
    assert.ok(Date.now() < deadline, `${kind} ${id} is still ${status} after ${seconds} s (${seen.join(' → ')}), expected ${wanted}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
});

When(/^I wait until the (volume|snapshot|backup) "([^"]*)" is gone within (\d+) seconds$/, { timeout: 310_000 }, async function (
  this: StackproofWorld, word: string, idExpr: string, seconds: string) {
  const kind = kindOf(word);
  const id = this.expand(idExpr);
  const limit = Math.min(Number(seconds), 300) * 1000;
  const deadline = Date.now() + limit;
  for (;;) {
    const { ex, item } = await show(this.session(), kind, id);
    this.last = ex;
    if (ex.response.status === 404) return;
    assert.equal(ex.response.status, 200, `GET ${kind} ${id} answered ${ex.response.status} while waiting for it to go`);
    assert.ok(Date.now() < deadline, `${kind} ${id} is still there (${String(item?.status)}) ${seconds} s after its delete`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
});

/**
 * Creates a volume as the scenario's persona, waits (bounded) until it is available and remembers
 * its id: the set-up of scenarios about something else (snapshots, attachments, actions).
 */
Given('an available volume of {int} GB remembered as {string}', { timeout: 70_000 }, async function (
  this: StackproofWorld, size: number, name: string) {
  const ex = await this.send({
    service: SERVICE, method: 'POST', path: '/volumes',
    body: JSON.stringify({ volume: { size, name: `${this.expand('{prefix}')}-${name}` } }),
  });
  checkExchange(ex, { status: 202 });
  const id = (ex.response.json as { volume?: { id?: unknown } } | undefined)?.volume?.id;
  assert.equal(typeof id, 'string', `POST /volumes answered 202 without volume.id: ${ex.response.text.slice(0, 300)}`);
  this.vars[name] = id as string;
  deleteAfterScenario(this, 'volume', id as string);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { ex: got, item } = await show(this.session(), 'volume', id as string);
    assert.equal(got.response.status, 200, `GET volume ${String(id)} answered ${got.response.status}`);
    if (item?.status === 'available') return;
    if (FAILED.test(String(item?.status))) assert.fail(`volume ${String(id)} went to ${String(item?.status)}`);
    assert.ok(Date.now() < deadline, `volume ${String(id)} is still ${String(item?.status)} after 60 s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
});

/**
 * An attachment of the attachments API (3.27+) is deleted after the scenario, before its volume:
 * the ledger's delete would be sent at 3.0, where /attachments does not exist.
 */
Given('the attachment {string} is deleted after the scenario', function (this: StackproofWorld, idExpr: string) {
  const id = this.expand(idExpr);
  const admin = this.ctx.admin;
  undoAfterScenario(this, `attachment:${id}`, `delete attachment ${id}`, async () => {
    const ex = await admin.request({ service: SERVICE, method: 'DELETE', path: `/attachments/${encodeURIComponent(id)}`, headers: mv('3.27') });
    if (ex.response.status !== 200 && ex.response.status !== 404) throw new Error(`DELETE /attachments/${id} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
  });
});

// ----------------------------------------------------------------------------- Nova

/**
 * Attaches through Nova (POST /servers/{id}/os-volume_attachments). After the scenario, the volume
 * is detached through Nova and waited for; a cloud whose Nova cannot complete a detach (no service
 * token: the volume stays "detaching") gets the volume reset to available/detached by the admin so
 * that it can be deleted.
 */
When('I attach the volume {string} to the server {string} through the compute service', async function (
  this: StackproofWorld, volumeExpr: string, serverExpr: string) {
  const volumeId = this.expand(volumeExpr);
  const serverId = this.expand(serverExpr);
  const admin = this.ctx.admin;
  const persona = this.session();
  undoAfterScenario(this, `attach:${volumeId}`, `detach volume ${volumeId} from server ${serverId}`, async () => {
    const path = `/servers/${encodeURIComponent(serverId)}/os-volume_attachments/${encodeURIComponent(volumeId)}`;
    const det = await persona.request({ service: 'compute', method: 'DELETE', path });
    if (det.response.status >= 300 && det.response.status !== 404) {
      // the server may be gone or busy; the admin's reset below still frees the volume
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { ex, item } = await show(admin, 'volume', volumeId);
      if (ex.response.status === 404 || item?.status === 'available') return;
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const reset = await admin.request({
      service: SERVICE, method: 'POST', path: `/volumes/${encodeURIComponent(volumeId)}/action`,
      json: { 'os-reset_status': { status: 'available', attach_status: 'detached' } },
    });
    if (reset.response.status !== 202) throw new Error(`volume ${volumeId} did not detach, and resetting it answered ${reset.response.status}`);
  });
  await this.send({
    service: 'compute', method: 'POST', path: `/servers/${encodeURIComponent(serverId)}/os-volume_attachments`,
    body: JSON.stringify({ volumeAttachment: { volumeId } }),
  });
});

/** Boots a server with no network (2.37+) as the persona and waits until it is ACTIVE; remembers its id. */
Given('an active server remembered as {string}', { timeout: 200_000 }, async function (this: StackproofWorld, name: string) {
  const ex = await this.send({
    service: 'compute', method: 'POST', path: '/servers',
    headers: { 'OpenStack-API-Version': 'compute 2.37' },
    body: JSON.stringify({ server: { name: `${this.expand('{prefix}')}-${name}`, imageRef: this.expand('{image_id}'), flavorRef: this.expand('{flavor_id}'), networks: 'none' } }),
  });
  checkExchange(ex, { status: 202 });
  const id = (ex.response.json as { server?: { id?: string } }).server?.id;
  assert.ok(id, `POST /servers answered 202 without server.id`);
  this.vars[name] = id;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const got = await this.session().request({ service: 'compute', method: 'GET', path: `/servers/${id}` });
    const server = (got.response.json as { server?: Record<string, unknown> } | undefined)?.server;
    if (server?.status === 'ACTIVE' && server['OS-EXT-STS:task_state'] === null) return;
    if (server?.status === 'ERROR') assert.fail(`server ${id} went to ERROR: ${JSON.stringify(server.fault ?? null)}`);
    assert.ok(Date.now() < deadline, `server ${id} is still ${String(server?.status)} after 180 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
});

/** The volume's attachments name the server (Cinder's view of a Nova attachment). */
Then('the volume in the response is attached to the server {string}', function (this: StackproofWorld, serverExpr: string) {
  const serverId = this.expand(serverExpr);
  const volume = (this.json() as { volume?: { attachments?: Record<string, unknown>[]; id?: string } }).volume;
  const list = volume?.attachments ?? [];
  assert.equal(list.length, 1, `the volume has ${list.length} attachments: ${JSON.stringify(list)}`);
  const a = list[0]!;
  assert.equal(a.server_id, serverId, `the attachment names server ${String(a.server_id)}`);
  assert.equal(a.volume_id, volume!.id, `the attachment names volume ${String(a.volume_id)}`);
  assert.match(String(a.attachment_id), /^[0-9a-f-]{36}$/, 'the attachment has no attachment_id');
  assert.match(String(a.attached_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/, `attached_at is ${JSON.stringify(a.attached_at)}`);
});

// ----------------------------------------------------------------------------- URLs and concurrency

/** A request to /v3/<path> with no project id in the URL (optional from 3.67; Zed serves it at any microversion). */
When('I send GET {string} to the block-storage service without a project id at microversion {string}', async function (
  this: StackproofWorld, path: string, version: string) {
  const session = this.session();
  await session.authenticate();
  const { root } = discoveryRoot(session.endpointFor(SERVICE), session.token?.body.project?.id);
  this.last = await session.request({ method: 'GET', url: `${root}v3${this.expand(path)}`, headers: mv(version) });
});

/** A path under the service's unversioned root (/v3/, /v2/), with the persona's token or none. */
When(/^I send GET "([^"]*)" under the root of the block-storage service( without a token)?$/, async function (
  this: StackproofWorld, path: string, anonymous: string | undefined) {
  const session = this.session();
  await session.authenticate();
  const { root } = discoveryRoot(session.endpointFor(SERVICE), session.token?.body.project?.id);
  this.last = await session.request({ method: 'GET', url: `${root}${this.expand(path).replace(/^\/+/, '')}`, ...(anonymous ? { auth: false } : {}) });
});

const concurrent = new WeakMap<StackproofWorld, Exchange[]>();

/** The same create sent n times at once (a race for the last unit of a quota). */
When('I send POST {string} to the block-storage service {int} times at once with:', async function (
  this: StackproofWorld, path: string, times: number, body: string) {
  assert.ok(times > 0 && times <= 20, 'between 1 and 20 requests at once');
  const all = await Promise.all(Array.from({ length: times }, () => this.send({ service: SERVICE, method: 'POST', path, body })));
  concurrent.set(this, all);
});

Then('{int} of those answers are {int} and the others are {int} {word} volume faults whose message matches {string}', function (
  this: StackproofWorld, n: number, okStatus: number, errStatus: number, fault: string, pattern: string) {
  const all = concurrent.get(this) ?? [];
  const statuses = all.map((ex) => ex.response.status);
  assert.equal(statuses.filter((s) => s === okStatus).length, n, `the answers were ${statuses.join(', ')}, expected ${n} × ${okStatus}`);
  for (const ex of all.filter((e) => e.response.status !== okStatus)) {
    this.last = ex;
    checkExchange(ex, { status: errStatus, schema: 'volume/error' });
    const msg = (ex.response.json as Record<string, { message?: string }>)[fault]?.message;
    assert.match(String(msg), new RegExp(this.expand(pattern)), `a refusal says ${ex.response.text.slice(0, 300)}`);
  }
});

/** Waits for each volume the concurrent creates made (and deletes it after the scenario). */
When('I wait until every volume those requests created is {string} within {int} seconds', { timeout: 130_000 }, async function (
  this: StackproofWorld, wanted: string, seconds: number) {
  const ids = (concurrent.get(this) ?? [])
    .map((ex) => (ex.response.json as { volume?: { id?: string } } | undefined)?.volume?.id)
    .filter((id): id is string => typeof id === 'string');
  for (const id of ids) deleteAfterScenario(this, 'volume', id);
  const deadline = Date.now() + Math.min(seconds, 120) * 1000;
  for (const id of ids) {
    for (;;) {
      const { ex, item } = await show(this.session(), 'volume', id);
      assert.equal(ex.response.status, 200, `GET volume ${id} answered ${ex.response.status}`);
      if (item?.status === wanted) break;
      if (FAILED.test(String(item?.status))) assert.fail(`volume ${id} went to ${String(item?.status)}, expected ${wanted}`);
      assert.ok(Date.now() < deadline, `volume ${id} is still ${String(item?.status)} after ${seconds} s`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
});
