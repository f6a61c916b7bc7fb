import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaRegistry, describeSchemaErrors } from '../../../harness/wire';

const registry = new SchemaRegistry();
const recorded = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'keystone-zed-responses.json'), 'utf8'),
) as { responses: Record<string, { schema: string; status: number; body: unknown }> };

function clone<T>(v: T): T {
  return structuredClone(v);
}
function body(name: string): any {
  const r = recorded.responses[name];
  assert.ok(r, `fixture ${name}`);
  return clone(r.body);
}
function rejects(id: string, value: unknown, pattern: RegExp): void {
  const r = registry.validate(id, value);
  assert.equal(r.valid, false, `${id} accepted a broken body`);
  assert.match(describeSchemaErrors(r.errors, 10), pattern);
}

test('every identity schema compiles in strict mode', () => {
  const n = registry.compileAll();
  const ids = registry.list().filter((id) => id.startsWith('identity/'));
  assert.equal(n >= ids.length, true);
  for (const needed of [
    'identity/versions', 'identity/version', 'identity/token', 'identity/error',
    ...['project', 'domain', 'user', 'group', 'role', 'region', 'service', 'endpoint', 'application-credential', 'registered-limit', 'limit']
      .flatMap((r) => [`identity/${r}`, `identity/${r}-list`]),
    'identity/role-assignment', 'identity/role-assignment-list', 'identity/application-credential-created',
  ]) {
    assert.ok(ids.includes(needed), `missing schema ${needed}`);
  }
});

test('responses recorded from a real Keystone (Zed) match their schemas', () => {
  const failures: string[] = [];
  for (const [name, r] of Object.entries(recorded.responses)) {
    const res = registry.validate(r.schema, r.body);
    if (!res.valid) failures.push(`${name} vs ${r.schema}: ${describeSchemaErrors(res.errors)}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(Object.keys(recorded.responses).length > 60);
});

test('token schema: timestamp format, one scope, roles with a scope, app-credential block', () => {
  const t = body('token-project-member');
  rejects('identity/token', { token: { ...t.token, expires_at: '2026-11-24T21:18:33Z' } }, /\/token\/expires_at must match pattern/);
  rejects('identity/token', { token: { ...t.token, issued_at: '2026-11-24T20:18:33.000000' } }, /\/token\/issued_at must match pattern/);
  rejects('identity/token', { token: { ...t.token, domain: { id: 'default', name: 'Default' } } }, /\/token must NOT be valid/);
  const noRoles = clone(t);
  delete noRoles.token.roles;
  rejects('identity/token', noRoles, /must have propert(y|ies) roles/);
  const noPwExp = clone(t);
  delete noPwExp.token.user.password_expires_at;
  rejects('identity/token', noPwExp, /\/token\/user must have required property 'password_expires_at'/);
  const ac = body('token-app-cred');
  delete ac.token.application_credential;
  rejects('identity/token', ac, /must have required property 'application_credential'/);
  const badEp = clone(t);
  badEp.token.catalog[0].endpoints[0].interface = 'publicURL';
  rejects('identity/token', badEp, /\/token\/catalog\/0\/endpoints\/0\/interface must be equal to one of the allowed values|must be one of/);
});

test('discovery schemas: 300 root with values[], /v3 with version, known statuses only', () => {
  const root = body('root');
  rejects('identity/versions', { versions: root.versions.values }, /\/versions must be object/);
  root.versions.values[0].status = 'beta';
  rejects('identity/versions', root, /status must be one of/);
  const v3 = body('v3');
  v3.version.links = [{ rel: 'describedby', href: 'http://x/' }];
  rejects('identity/version', v3, /\/version\/links must contain at least 1 valid item/);
});

test('resource schemas reject wrong types and missing fields', () => {
  const projects = body('project-list');
  projects.projects[0].enabled = 'true';
  rejects('identity/project-list', projects, /^\/projects\/0\/enabled must be boolean/);
  const user = body('user-get');
  delete user.user.domain_id;
  rejects('identity/user', user, /\/user must have required property 'domain_id'/);
  const ep = body('endpoint-get');
  ep.endpoint.interface = 'PUBLIC';
  rejects('identity/endpoint', ep, /\/endpoint\/interface must be one of/);
  const lim = body('limit-get');
  lim.limit.resource_limit = '7';
  rejects('identity/limit', lim, /\/limit\/resource_limit must be integer/);
  const created = body('app-cred-create');
  delete created.application_credential.secret;
  rejects('identity/application-credential-created', created, /must have required property 'secret'/);
  rejects('identity/error', { error: { code: '404', title: 'Not Found', message: 'x' } }, /\/error\/code must be integer/);
  const ra = body('role-assignment-list');
  delete ra.role_assignments[0].user;
  delete ra.role_assignments[0].group;
  rejects('identity/role-assignment-list', ra, /must match exactly one schema in oneOf/);
  const list = body('domain-list');
  delete list.links;
  rejects('identity/domain-list', list, /must have required property 'links'/);
});
