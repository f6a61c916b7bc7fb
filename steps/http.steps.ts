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
