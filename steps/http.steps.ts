/**
 * Service-neutral steps: who acts, what is sent, and what the answer must be on the wire.
 * Paths and bodies may use {variables} set by earlier steps or by the worker ({prefix},
 * {project_id}, {member_user_id}...).
 */
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { checkExchange } from '../harness/wire';
import { discoveryRoot } from '../harness/client';
import { at } from './json-path';
import type { StackproofWorld } from './support/world';

Given('I am the cloud admin', function (this: StackproofWorld) {
  this.persona = 'admin';
});
Given(/^I am (?:a|the) (member|reader) of my project$/, function (this: StackproofWorld, role: string) {
  this.persona = role;
});
/** A member of a second project ({other_project_id}): the other tenant in isolation and sharing scenarios. */
Given('I am a member of the other project', function (this: StackproofWorld) {
  this.persona = 'other';
});

When('I send {word} {string} to the {word} service', async function (this: StackproofWorld, method: string, path: string, service: string) {
  await this.send({ service, method, path });
});
When('I send {word} {string} to the {word} service with:', async function (this: StackproofWorld, method: string, path: string, service: string, body: string) {
  await this.send({ service, method, path, body });
});
When('I send {word} {string} to the {word} service without a token', async function (this: StackproofWorld, method: string, path: string, service: string) {
  await this.send({ service, method, path, anonymous: true });
});
When('I send {word} {string} to the {word} service without a token with:', async function (this: StackproofWorld, method: string, path: string, service: string, body: string) {
  await this.send({ service, method, path, body, anonymous: true });
});
When('I send {word} {string} to the {word} service with the raw body {string} as {string}', async function (
  this: StackproofWorld, method: string, path: string, service: string, body: string, contentType: string) {
  await this.send({ service, method, path, body, headers: { 'Content-Type': contentType } });
});

Then('the response status is {int}', function (this: StackproofWorld, status: number) {
  checkExchange(this.last!, { status });
});
Then('the response matches the schema {string}', function (this: StackproofWorld, schema: string) {
  checkExchange(this.last!, { schema });
});
Then('the response is {int} matching the schema {string}', function (this: StackproofWorld, status: number, schema: string) {
  checkExchange(this.last!, { status, schema });
});
Then('the response has no body', function (this: StackproofWorld) {
  checkExchange(this.last!, { noBody: true });
});
Then('the response header {string} is present', function (this: StackproofWorld, name: string) {
  checkExchange(this.last!, { headers: { [name]: true } });
});
Then('the response header {string} is absent', function (this: StackproofWorld, name: string) {
  checkExchange(this.last!, { headers: { [name]: false } });
});
Then('the response header {string} matches {string}', function (this: StackproofWorld, name: string, pattern: string) {
  checkExchange(this.last!, { headers: { [name]: new RegExp(this.expand(pattern)) } });
});

Then('{string} in the response is {string}', function (this: StackproofWorld, path: string, expected: string) {
  const v = at(this.json(), path);
  assert.equal(String(v), this.expand(expected), `${path} in the response is ${JSON.stringify(v)}, expected "${this.expand(expected)}"`);
});
Then(/^"([^"]*)" in the response is (true|false|null)$/, function (this: StackproofWorld, path: string, lit: string) {
  const v = at(this.json(), path);
  assert.equal(v, JSON.parse(lit), `${path} in the response is ${JSON.stringify(v)}, expected ${lit}`);
});
Then('{string} in the response is absent', function (this: StackproofWorld, path: string) {
  const v = at(this.json(), path);
  assert.equal(v, undefined, `${path} in the response is ${JSON.stringify(v)}, expected it absent`);
});
Then('{string} in the response matches {string}', function (this: StackproofWorld, path: string, pattern: string) {
  const v = at(this.json(), path);
  assert.match(String(v), new RegExp(this.expand(pattern)), `${path} in the response is ${JSON.stringify(v)}`);
});
Then('{string} in the response has {int} item(s)', function (this: StackproofWorld, path: string, n: number) {
  const v = at(this.json(), path);
  assert.ok(Array.isArray(v), `${path} in the response is not a list: ${JSON.stringify(v)}`);
  assert.equal(v.length, n, `${path} has ${v.length} items, expected ${n}`);
});
Then(/^the list "([^"]*)" in the response (contains|does not contain) an item whose "([^"]*)" is "([^"]*)"$/, function (
  this: StackproofWorld, path: string, how: string, field: string, expected: string) {
  const list = at(this.json(), path);
  assert.ok(Array.isArray(list), `${path} in the response is not a list: ${JSON.stringify(list)?.slice(0, 200)}`);
  const want = this.expand(expected);
  const found = list.some((item) => String(at(item, field)) === want);
  assert.equal(found, how === 'contains', `${path} ${how === 'contains' ? 'has no' : 'has an'} item whose ${field} is "${want}"`);
});
Then('I remember {string} from the response as {string}', function (this: StackproofWorld, path: string, name: string) {
  const v = at(this.json(), path);
  assert.ok(v !== undefined && v !== null, `${path} is not in the response: ${this.last!.response.text.slice(0, 300)}`);
  this.vars[name] = String(v);
});
Then('I remember the response header {string} as {string}', function (this: StackproofWorld, header: string, name: string) {
  const v = this.last!.response.headers[header.toLowerCase()];
  assert.ok(v, `the response has no ${header} header`);
  this.vars[name] = v;
});

When('I send {word} {string} to the {word} service with the header {string} set to {string}', async function (
  this: StackproofWorld, method: string, path: string, service: string, header: string, value: string) {
  await this.send({ service, method, path, headers: { [header]: this.expand(value) } });
});

When('I send GET to the unversioned root of the {word} service without a token', async function (this: StackproofWorld, service: string) {
  // The catalog may name the service versioned (…:5000/v3/) or not (…/identity); its version
  // document lives at the root either way, as keystoneauth finds it.
  const root = discoveryRoot(this.ctx.admin.endpointFor(service)).root;
  this.last = await this.ctx.admin.request({ method: 'GET', url: root, auth: false, headers: { Accept: 'application/json' } });
});

// image-features additions
/** A body sent with a Content-Type of the step's choosing (Glance's JSON-patch media type, a wrong one for a 415). */
When('I send {word} {string} to the {word} service as {string} with:', async function (
  this: StackproofWorld, method: string, path: string, service: string, contentType: string, body: string) {
  await this.send({ service, method, path, body, headers: { 'Content-Type': contentType } });
});
/** For answers that real services send without X-Openstack-Request-Id (Glance's version documents and its 401s). */
Then('the response is {int} matching the schema {string}, with or without a request id', function (this: StackproofWorld, status: number, schema: string) {
  checkExchange(this.last!, { status, schema, requestId: false });
});
Then(/^the list "([^"]*)" in the response (contains|does not contain) "([^"]*)"$/, function (this: StackproofWorld, path: string, how: string, expected: string) {
  const list = at(this.json(), path);
  assert.ok(Array.isArray(list), `${path} in the response is not a list: ${JSON.stringify(list)?.slice(0, 200)}`);
  const want = this.expand(expected);
  assert.equal(list.map(String).includes(want), how === 'contains', `${path} is ${JSON.stringify(list)}, which ${how === 'contains' ? 'lacks' : 'has'} "${want}"`);
});

// network-features additions
/** Numbers that must grow, such as a revision_number after an update ("{rev}" from an earlier step). */
Then('{string} in the response is greater than {string}', function (this: StackproofWorld, path: string, than: string) {
  const v = at(this.json(), path);
  const limit = Number(this.expand(than));
  assert.ok(typeof v === 'number' && v > limit, `${path} in the response is ${JSON.stringify(v)}, expected a number greater than ${limit}`);
});
/** Deep partial match: the item has every field of the JSON object given (objects compared field by field, other values exactly). */
function containsSubset(item: unknown, want: unknown): boolean {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return false;
    return Object.entries(want).every(([k, v]) => containsSubset((item as Record<string, unknown>)[k], v));
  }
  return JSON.stringify(item) === JSON.stringify(want);
}
Then(/^the list "([^"]*)" in the response (contains|does not contain) an item with:$/, function (
  this: StackproofWorld, path: string, how: string, doc: string) {
  const list = at(this.json(), path);
  assert.ok(Array.isArray(list), `${path} in the response is not a list: ${JSON.stringify(list)?.slice(0, 200)}`);
  const want = JSON.parse(this.expand(doc)) as unknown;
  const found = list.some((item) => containsSubset(item, want));
  assert.equal(found, how === 'contains', `${path} ${how === 'contains' ? 'has no' : 'has an'} item with ${JSON.stringify(want)}: ${JSON.stringify(list).slice(0, 600)}`);
});
Then('every item of the list {string} in the response has {string} equal to {string}', function (
  this: StackproofWorld, path: string, field: string, expected: string) {
  const list = at(this.json(), path);
  assert.ok(Array.isArray(list), `${path} in the response is not a list: ${JSON.stringify(list)?.slice(0, 200)}`);
  const want = this.expand(expected);
  const odd = list.filter((item) => String(at(item, field)) !== want);
  assert.equal(odd.length, 0, `${odd.length} of ${list.length} items of ${path} have ${field} other than "${want}": ${JSON.stringify(odd).slice(0, 300)}`);
});
Then('every item of the list {string} in the response has exactly the fields {string}', function (
  this: StackproofWorld, path: string, fields: string) {
  const list = at(this.json(), path);
  assert.ok(Array.isArray(list) && list.length > 0, `${path} in the response is not a non-empty list: ${JSON.stringify(list)?.slice(0, 200)}`);
  const want = fields.split(',').map((f) => f.trim()).sort();
  for (const item of list) assert.deepEqual(Object.keys(item as object).sort(), want, `an item of ${path} has the fields ${Object.keys(item as object).join(', ')}`);
});
Then(/^the values of "([^"]*)" in the list "([^"]*)" in the response are in (ascending|descending) order$/, function (
  this: StackproofWorld, field: string, path: string, dir: string) {
  const list = at(this.json(), path);
  assert.ok(Array.isArray(list), `${path} in the response is not a list: ${JSON.stringify(list)?.slice(0, 200)}`);
  const values = list.map((item) => String(at(item, field)));
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (dir === 'descending') sorted.reverse();
  assert.deepEqual(values, sorted, `${field} of ${path} is not in ${dir} order: ${JSON.stringify(values)}`);
});
When('I send {word} {string} to the {word} service with the header {string} set to {string} and the body:', async function (
  this: StackproofWorld, method: string, path: string, service: string, header: string, value: string, body: string) {
  await this.send({ service, method, path, body, headers: { [header]: this.expand(value) } });
});

// compute-features additions
/**
 * Ledgers a path to DELETE after the scenario (as the admin), for what the World cannot ledger
 * from a create answer: Nova keypairs (named; no id in the answer), aggregates (integer ids),
 * the image a server action made (createImage is an action, not a create).
 */
Given('the {word} resource {string} is deleted after the scenario', function (this: StackproofWorld, service: string, pathExpr: string) {
  const deletePath = this.expand(pathExpr);
  const ctx = this.ctx;
  const segments = deletePath.split('?')[0]!.split('/').filter(Boolean);
  const name = segments[segments.length - 1] ?? '';
  const kind = segments[segments.length - 2] ?? 'resource';
  const entryId = ctx.ledger.intend({ runId: ctx.runId, worker: ctx.worker, service, kind, name, deletePath });
  ctx.ledger.created(entryId, { id: name, deletePath });
  this.created.push({ entryId, deletePath });
});
