/**
 * Compute (Nova) steps: requests at a microversion, schemas chosen by the microversion the
 * server answered with, bounded waits for a server's status, and the flavor and image a
 * scenario boots from (found on the cloud, or made for the scenario and ledgered).
 */
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { checkExchange, SchemaRegistry } from '../harness/wire';
import type { StackproofWorld } from './support/world';

const registry = new SchemaRegistry();

function microversionHeader(version: string): Record<string, string> {
  return { 'OpenStack-API-Version': `compute ${version}` };
}

When('I send {word} {string} to the compute service at microversion {string}', async function (
  this: StackproofWorld, method: string, path: string, version: string) {
  await this.send({ service: 'compute', method, path, headers: microversionHeader(version) });
});
When('I send {word} {string} to the compute service at microversion {string} with:', async function (
  this: StackproofWorld, method: string, path: string, version: string, body: string) {
  await this.send({ service: 'compute', method, path, body, headers: microversionHeader(version) });
});

/** The schema compute/<name> at the microversion the answer echoes (2.1 when it echoes none). */
Then('the response is {int} matching the compute schema {string}', function (this: StackproofWorld, status: number, name: string) {
  const echoed = /^compute (\d+\.\d+)$/.exec(this.last!.response.headers['openstack-api-version'] ?? '')?.[1] ?? '2.1';
  checkExchange(this.last!, { status, schema: registry.atMicroversion(`compute/${name}`, echoed) });
});

/** A Nova fault: the status, the fault name and a pattern its message must match. */
Then('the response is a {int} {word} fault whose message matches {string}', function (
  this: StackproofWorld, status: number, fault: string, pattern: string) {
  checkExchange(this.last!, { status, schema: 'compute/error' });
  const body = this.json() as Record<string, { code: number; message: string }>;
  assert.deepEqual(Object.keys(body), [fault], `the fault is ${Object.keys(body).join(', ')}, expected ${fault}`);
  assert.equal(body[fault]!.code, status, `${fault}.code is ${body[fault]!.code}`);
  assert.match(body[fault]!.message, new RegExp(this.expand(pattern)), `${fault}.message is ${JSON.stringify(body[fault]!.message)}`);
});

async function serverState(world: StackproofWorld, id: string): Promise<{ status: number; server?: Record<string, unknown> }> {
  const ex = await world.session().request({ service: 'compute', method: 'GET', path: `/servers/${encodeURIComponent(id)}` });
  world.last = ex;
  return { status: ex.response.status, server: (ex.response.json as { server?: Record<string, unknown> } | undefined)?.server };
}

const WAIT_MS = 120_000;
const POLL_MS = 500;

/** Polls the server until its status is the one wanted with no task running; fails at once on ERROR (unless wanted). */
When('I wait until the server {string} has the status {word}', { timeout: WAIT_MS + 10_000 }, async function (this: StackproofWorld, idExpr: string, want: string) {
  const id = this.expand(idExpr);
  const deadline = Date.now() + WAIT_MS;
  let seen = '';
  for (;;) {
    const { status, server } = await serverState(this, id);
    assert.equal(status, 200, `GET /servers/${id} answered ${status} while waiting for ${want}`);
    seen = `${String(server?.status)}/${String(server?.['OS-EXT-STS:task_state'])}`;
    if (server?.status === want && server['OS-EXT-STS:task_state'] === null) return;
    if (server?.status === 'ERROR' && want !== 'ERROR') assert.fail(`server ${id} went to ERROR: ${JSON.stringify(server.fault ?? null)}`);
    assert.ok(Date.now() < deadline, `server ${id} is still ${seen} after ${WAIT_MS / 1000} s, expected ${want}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
});

When('I wait until the server {string} is gone', { timeout: WAIT_MS + 10_000 }, async function (this: StackproofWorld, idExpr: string) {
  const id = this.expand(idExpr);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const { status, server } = await serverState(this, id);
    if (status === 404) return;
    assert.ok(Date.now() < deadline, `server ${id} is still there (${String(server?.status)}) ${WAIT_MS / 1000} s after its delete`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
});

/**
 * {flavor_id}: the smallest public flavor of the cloud with a disk (a zero-disk flavor boots only
 * from a volume for non-admins), or (with admin rights) one made for the scenario; {image_id}: an
 * active public image, or a tiny raw image uploaded by the scenario's persona. Flavors and images
 * of this or another stackproof run (sp-<run>-w<n>-...) are never reused: their scenario deletes
 * them. What is made here is ledgered and deleted after the scenario.
 */
Given('a flavor and an image to boot a server from', async function (this: StackproofWorld) {
  const persona = this.persona;
  const flavors = await this.session().request({ service: 'compute', method: 'GET', path: '/flavors/detail' });
  // never another scenario's flavor (sp-<run>-w<n>-...): its clean-up would delete it under us
  const usable = ((flavors.response.json as { flavors?: { id: string; name: string; ram: number; disk: number; vcpus: number }[] })?.flavors ?? [])
    .filter((f) => f.vcpus <= 1 && f.ram <= 512 && f.disk > 0 && !/^sp-[0-9a-z]+-w\d+-/.test(f.name))
    .sort((a, b) => a.ram - b.ram || a.disk - b.disk);
  if (usable[0]) this.vars.flavor_id = usable[0].id;
  else {
    this.persona = 'admin'; // only an admin makes flavors; without admin rights this answers 403 and the step says so
    try {
      await this.send({ service: 'compute', method: 'POST', path: '/flavors', body: JSON.stringify({ flavor: { name: `${this.expand('{prefix}')}-tiny`, ram: 64, vcpus: 1, disk: 1 } }) });
    } finally {
      this.persona = persona;
    }
    checkExchange(this.last!, { status: 200 });
    this.vars.flavor_id = (this.json() as { flavor: { id: string } }).flavor.id;
  }
  const images = await this.session().request({ service: 'image', method: 'GET', path: '/v2/images?status=active&visibility=public&limit=20' });
  const image = (images.response.json as { images?: { id: string; name?: string }[] })?.images?.find((i) => !/^sp-[0-9a-z]+-w\d+-/.test(i.name ?? ''));
  if (image) this.vars.image_id = image.id;
  else {
    await this.send({ service: 'image', method: 'POST', path: '/v2/images', body: JSON.stringify({ name: `${this.expand('{prefix}')}-boot`, disk_format: 'raw', container_format: 'bare' }) });
    checkExchange(this.last!, { status: 201 });
    const id = (this.json() as { id: string }).id;
    this.vars.image_id = id;
    await this.send({ service: 'image', method: 'PUT', path: `/v2/images/${id}/file`, data: new Uint8Array(1024) });
    checkExchange(this.last!, { status: 204 });
  }
});

/**
 * Arithmetic for counts that depend on what the project already runs (a quota's in_use before a
 * boot): "{cores_before},{flavor_vcpus}" adds up to a new variable.
 */
Given('I remember the sum of {string} as {string}', function (this: StackproofWorld, terms: string, name: string) {
  const values = this.expand(terms).split(',').map((t) => t.trim());
  const bad = values.find((v) => !/^-?\d+$/.test(v));
  assert.equal(bad, undefined, `"${bad}" (in ${terms}) is not an integer`);
  this.vars[name] = String(values.reduce((sum, v) => sum + Number(v), 0));
});
