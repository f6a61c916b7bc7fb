/**
 * Containers left behind by a run that died before its undo: ledgered with their account's
 * project, deleted by `cleanup` as the admin with a token scoped to that project (a temporary
 * member grant, revoked after), against an embedded reference cloud (identity + object storage).
 */
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { Session } from '../../../harness/client';
import type { Target } from '../../../harness/config/target';
import { Ledger, accountCreations, accountProject, cleanup, containerPath, encodeObjectName, tearDownAccountEntry } from '../../../harness/resources';
import { parseLedgerText } from '../../../harness/resources/ledger-records';
import { startSwiftCloud, swift } from '../object-storage/core-helpers';
import { adminToken, call, World } from '../identity/helpers';

/** Names are data: dots, slashes, percent signs, queries, controls, non-ASCII, a trailing slash. */
const HOSTILE = [
  'a/../b', '..', '.', './x', 'a/./b', 'dir/', 'a//b', '/lead', '%2F', '%', '50%off', 'q?x=1&y=2', 'frag#ment',
  'sp ace', 'plus+sign', 'tab\there', 'ünï©ødé/日本語', '\\back\\slash', "quote'\"", '<xml>&amp;', '~tilde', '...',
];

let cloud: RunningCloud;
let admin: string;
let w: World;
let dir: string;
let session: Session;

before(async () => {
  cloud = await startSwiftCloud();
});
after(async () => {
  await cloud.close();
});
/**
 * A fresh admin token and World: revoking a grant revokes the user's tokens in the reference
 * cloud (see the report), so each step that needs the admin's token takes a new one.
 */
async function asAdmin(): Promise<string> {
  admin = await adminToken(cloud);
  w = new World(cloud, admin);
  return admin;
}

beforeEach(async () => {
  await asAdmin();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-swift-cleanup-'));
  session = new Session(adminTarget());
});
afterEach(async () => {
  await session.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function adminTarget(): Target {
  const a = cloud.admin;
  return {
    name: 'ref', authType: 'password', interface: 'public', verify: true, regionName: a.region,
    auth: { authUrl: a.authUrl, username: a.username, password: a.password, projectName: a.projectName, userDomainName: a.userDomainName, projectDomainName: a.projectDomainName },
  };
}

/** The path of an account under the proxy root. */
function account(projectId: string): string {
  return `/v1/AUTH_${projectId}`;
}

async function adminUserId(): Promise<string> {
  const token = await asAdmin();
  const r = await call(cloud, 'GET', '/v3/auth/tokens', { token, headers: { 'X-Subject-Token': token } });
  return r.body.token.user.id;
}

async function adminRoles(projectId: string): Promise<string[]> {
  const userId = await adminUserId();
  const r = await call(cloud, 'GET', `/v3/role_assignments?user.id=${userId}&scope.project.id=${projectId}&include_names`, { token: admin });
  assert.equal(r.status, 200, r.text);
  return r.body.role_assignments.map((a: { role: { name: string } }) => a.role.name).sort();
}

/** A member of a new project makes a container holding `names`, ledgered as the steps ledger it; no undo runs. */
async function leftOver(container: string, names: string[]): Promise<{ projectId: string; token: string; ledger: Ledger; entryId: string }> {
  const m = await w.member('member');
  const ledger = new Ledger(dir, `run-${m.projectId.slice(0, 8)}`);
  const entryId = ledger.intend({ runId: 'run', worker: '0', service: 'object-store', kind: 'container', name: container, deletePath: containerPath(container), projectId: m.projectId });
  const put = await swift(cloud, 'PUT', `${account(m.projectId)}${containerPath(container)}`, { token: m.token });
  assert.equal(put.status, 201, put.text);
  ledger.created(entryId, { id: container, deletePath: containerPath(container) });
  for (const name of names) {
    const r = await swift(cloud, 'PUT', `${account(m.projectId)}${containerPath(container)}/${encodeObjectName(name)}`, { token: m.token, body: `data of ${name}` });
    assert.equal(r.status, 201, `${JSON.stringify(name)}: ${r.text}`);
  }
  const list = await swift(cloud, 'GET', `${account(m.projectId)}${containerPath(container)}?format=json`, { token: m.token });
  assert.deepEqual(JSON.parse(list.text).map((o: { name: string }) => o.name).sort(), [...names].sort(), 'every hostile name was stored as itself');
  return { projectId: m.projectId, token: m.token, ledger, entryId };
}

function records(ledger: Ledger) {
  return parseLedgerText(fs.readFileSync(ledger.file, 'utf8'), ledger.file).records;
}

describe('ledger records of Swift containers', () => {
  test('the intent names the service, the account-relative path and the project, and nothing secret', () => {
    const ledger = new Ledger(dir, 'run-x');
    const id = ledger.intend({ runId: 'run-x', worker: '1', service: 'object-store', kind: 'container', name: 'sp-x/ü', deletePath: containerPath('sp-x/ü'), projectId: 'p1' });
    const [line] = fs.readFileSync(ledger.file, 'utf8').trim().split('\n');
    const rec = JSON.parse(line!);
    assert.equal(rec.op, 'intent');
    assert.equal(rec.entryId, id);
    assert.equal(rec.service, 'object-store');
    assert.equal(rec.kind, 'container');
    assert.equal(rec.deletePath, '/sp-x%2F%C3%BC');
    assert.equal(rec.projectId, 'p1');
    assert.doesNotMatch(line!, /token|password|secret|http/i);
    const [entry] = Ledger.load(dir).outstanding;
    assert.equal(entry!.projectId, 'p1');
    assert.deepEqual(parseLedgerText(`${line}\n`, 'f').warnings, []);
  });

  test('what a Swift request may create: a container by PUT, account metadata by POST; nothing else', () => {
    const strip = (xs: ReturnType<typeof accountCreations>) => xs.map(({ kind, name, deletePath, key }) => ({ kind, name, deletePath, key }));
    assert.deepEqual(strip(accountCreations('put', '/caf%C3%A9%20x', {})), [{ kind: 'container', name: 'café x', deletePath: '/caf%C3%A9%20x', key: 'container café x' }]);
    assert.deepEqual(strip(accountCreations('PUT', '/c/?x=1', {})), [{ kind: 'container', name: 'c', deletePath: '/c', key: 'container c' }]);
    assert.deepEqual(strip(accountCreations('PUT', '/50%zz', {})), [{ kind: 'container', name: '50%zz', deletePath: '/50%zz', key: 'container 50%zz' }], 'not percent-encoding: kept as sent');
    assert.deepEqual(accountCreations('PUT', '/c/o', {}), [], 'an object is in its container');
    assert.deepEqual(accountCreations('POST', '/c', { 'X-Container-Meta-A': '1' }), []);
    assert.deepEqual(accountCreations('DELETE', '/c', {}), []);
    assert.deepEqual(strip(accountCreations('POST', '', { 'X-Account-Meta-Colour': 'blue', 'X-Account-Meta-Gone': '', 'X-Remove-Account-Meta-B': 'x' })),
      [{ kind: 'account-metadata', name: 'colour', deletePath: '', key: 'account-meta colour' }]);
    assert.deepEqual(accountCreations('POST', '?format=json', { 'x-account-meta-k': 'v' }).map((c) => c.name), ['k']);
    assert.equal(accountProject('http://h:8080/v1/AUTH_0a1b/'), '0a1b');
    assert.equal(accountProject('http://h:8080/swift/v1'), undefined);
  });

  test('object names keep their slashes; each segment is encoded, a segment of dots too', () => {
    assert.equal(encodeObjectName('a/../b'), 'a/%2E%2E/b');
    assert.equal(encodeObjectName('./x?y#z'), '%2E/x%3Fy%23z');
    assert.equal(encodeObjectName('dir/'), 'dir/');
    assert.equal(encodeObjectName('50%/é...'), '50%25/%C3%A9...');
    assert.equal(containerPath('c/d'), '/c%2Fd');
  });

  test('a dry run plans the container without any request', async () => {
    const ledger = new Ledger(dir, 'run-dry');
    ledger.intend({ runId: 'run-dry', worker: '0', service: 'object-store', kind: 'container', name: 'c', deletePath: '/c', projectId: 'p1' });
    const calls: string[] = [];
    const fake = { request: async (o: { method: string; path?: string }) => { calls.push(`${o.method} ${o.path}`); throw new Error('no request expected'); } };
    const lines: string[] = [];
    const r = await cleanup(fake, Ledger.load(dir).outstanding, { dryRun: true, log: (l) => lines.push(l) });
    assert.equal(r.planned.length, 1);
    assert.deepEqual(calls, []);
    assert.match(lines[0]!, /^would empty and delete the container at \/c in the Swift account of project p1, with a token scoped to it/);
  });
});

describe('cleanup of a left-over container', () => {
  test('empties and deletes it (hostile names) as the admin with a temporary member grant, revoked after', async () => {
    const container = 'sp-crash ü ..%?#';
    const left = await leftOver(container, HOSTILE);
    assert.deepEqual(await adminRoles(left.projectId), [], 'the admin has no role on the worker project');
    // the cloud admin's own token is refused by keystoneauth
    const refused = await swift(cloud, 'DELETE', `${account(left.projectId)}${containerPath(container)}/${encodeObjectName('sp ace')}`, { token: admin });
    assert.equal(refused.status, 403);

    const lines: string[] = [];
    const report = await cleanup(session, Ledger.load(dir).outstanding, { log: (l) => lines.push(l) });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.deleted.map((e) => e.entryId), [left.entryId]);
    const head = await swift(cloud, 'HEAD', `${account(left.projectId)}${containerPath(container)}`, { token: left.token });
    assert.equal(head.status, 404, 'the container is gone');
    const acct = await swift(cloud, 'HEAD', account(left.projectId), { token: left.token });
    assert.equal(acct.headers['x-account-object-count'], '0');
    assert.equal(acct.headers['x-account-container-count'], '0');
    assert.deepEqual(await adminRoles(left.projectId), [], 'the temporary grant is revoked');
    assert.ok(lines.some((l) => /^granted the admin "member" on project/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^revoked the temporary grant/.test(l)), lines.join('\n'));

    // the grant was ledgered before it was made, and settled after
    const records = parseLedgerText(fs.readFileSync(left.ledger.file, 'utf8'), left.ledger.file).records;
    const grant = records.find((r) => r.op === 'intent' && r.kind === 'role-assignment');
    assert.ok(grant, 'the grant is in the ledger');
    assert.deepEqual(records.filter((r) => r.entryId === grant.entryId).map((r) => r.op), ['intent', 'created', 'deleted']);
    assert.deepEqual(Ledger.load(dir).outstanding, []);

    // idempotent: nothing left to do
    const again = await cleanup(session, Ledger.load(dir).outstanding);
    assert.equal(again.deleted.length + again.failed.length + again.missing.length, 0);
  });

  test('pages through a long listing; a container already gone is success, and a second pass is a no-op', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `obj/${i}/${'.'.repeat(i % 3 + 1)}`);
    const left = await leftOver('sp-paged', names);
    const entry = Ledger.load(dir).outstanding[0]!;
    const lines: string[] = [];
    assert.equal(await tearDownAccountEntry(session, entry, { record: false, log: (l) => lines.push(l), pageSize: 2 }), 'deleted');
    assert.equal((await swift(cloud, 'HEAD', `${account(left.projectId)}/sp-paged`, { token: left.token })).status, 404);
    assert.equal(await tearDownAccountEntry(session, entry, { record: false, log: () => {} }), 'gone');
    assert.deepEqual(await adminRoles(left.projectId), []);
  });

  test('keeps a role the admin already had, and grants nothing', async () => {
    const left = await leftOver('sp-own', ['x']);
    const userId = await adminUserId();
    await w.grant(`/v3/projects/${left.projectId}/users/${userId}/roles/${await w.roleId('member')}`);
    const lines: string[] = [];
    const report = await cleanup(session, Ledger.load(dir).outstanding, { log: (l) => lines.push(l) });
    assert.equal(report.deleted.length, 1);
    assert.ok(!lines.some((l) => /granted|revoked/.test(l)), lines.join('\n'));
    assert.deepEqual(await adminRoles(left.projectId), ['member']);
    assert.equal((await swift(cloud, 'HEAD', `${account(left.projectId)}/sp-own`, { token: left.token })).status, 404);
  });

  test('removes ledgered account metadata; one grant serves every entry of the same account', async () => {
    const left = await leftOver('sp-meta', []);
    const post = await swift(cloud, 'POST', account(left.projectId), { token: left.token, headers: { 'X-Account-Meta-Colour': 'blue' } });
    assert.equal(post.status, 204);
    const id = left.ledger.intend({ runId: 'run', worker: '0', service: 'object-store', kind: 'account-metadata', name: 'colour', deletePath: '', projectId: left.projectId });
    left.ledger.created(id, { id: 'Colour', deletePath: '' });
    const lines: string[] = [];
    const report = await cleanup(session, Ledger.load(dir).outstanding, { log: (l) => lines.push(l) });
    assert.deepEqual(report.failed, []);
    assert.equal(report.deleted.length, 2);
    assert.equal(lines.filter((l) => l.startsWith('granted')).length, 1, lines.join('\n'));
    assert.equal(lines.filter((l) => l.startsWith('revoked')).length, 1, lines.join('\n'));
    assert.deepEqual(await adminRoles(left.projectId), []);
    const head = await swift(cloud, 'HEAD', account(left.projectId), { token: left.token });
    assert.equal(head.headers['x-account-meta-colour'], undefined);
  });

  test('a project whose account cannot be reached is kept for the next cleanup; a left-over grant is revoked', async () => {
    const left = await leftOver('sp-blocked', ['x']);
    // the worker project, ledgered before the container (older), and a grant a crashed cleanup left
    const project = left.ledger.intend({ runId: 'run', worker: '0', service: 'identity', kind: 'project', name: 'p', deletePath: '/v3/projects/{id}' });
    left.ledger.created(project, { id: left.projectId, deletePath: `/v3/projects/${left.projectId}` });
    // the container entry is older than the project in this test's file order, so swap: record it again as newest
    const newer = left.ledger.intend({ runId: 'run', worker: '0', service: 'object-store', kind: 'container', name: 'sp-blocked', deletePath: '/sp-blocked', projectId: left.projectId });
    left.ledger.created(newer, { id: 'sp-blocked', deletePath: '/sp-blocked' });
    left.ledger.deleted(left.entryId);
    // a cloud with no "member" role to grant cannot reach the account: simulate with a session that refuses the grant
    const refusing = new Session(adminTarget());
    const proxy = {
      target: refusing.target,
      get token() { return refusing.token; },
      authenticate: () => refusing.authenticate(),
      request: (o: Parameters<Session['request']>[0]) =>
        o.method === 'PUT' && /\/roles\//.test(o.path ?? '') ? refusing.request({ ...o, method: 'PUT', path: '/v3/projects/no-such-project/users/x/roles/y' }) : refusing.request(o),
    };
    try {
      const report = await cleanup(proxy, Ledger.load(dir).outstanding);
      assert.equal(report.failed.length, 1);
      assert.match(report.failed[0]!.reason, /Keystone answered 404 to granting the admin "member" on project/);
      assert.deepEqual(report.skipped.map((s) => [s.entry.kind, s.reason]), [
        ['project', 'its Swift account still holds what could not be deleted, which only a token scoped to the project can reach'],
      ]);
      assert.equal((await call(cloud, 'GET', `/v3/projects/${left.projectId}`, { token: await asAdmin() })).status, 200, 'the project is kept');
    } finally {
      await refusing.close();
    }
    // a grant a crashed cleanup left behind (ledgered, never revoked) goes first next time
    const userId = await adminUserId();
    const grantPath = `/v3/projects/${left.projectId}/users/${userId}/roles/${await w.roleId('member')}`;
    const g = left.ledger.intend({ runId: 'run', worker: '0', service: 'identity', kind: 'role-assignment', name: 'member for cleanup', deletePath: grantPath });
    await w.grant(grantPath);
    const lines: string[] = [];
    const report = await cleanup(session, Ledger.load(dir).outstanding, { log: (l) => lines.push(l) });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.deleted.map((e) => e.kind), ['role-assignment', 'container', 'project']);
    assert.ok(lines.some((l) => /^granted the admin/.test(l)), 'the container needed a grant again after the left-over one was revoked');
    const revoked = lines.findIndex((l) => l.startsWith('revoked the temporary grant'));
    const projectGone = lines.findIndex((l) => l.startsWith("deleted identity project 'p'"));
    assert.ok(revoked >= 0 && revoked < projectGone, `the grant is revoked before the project is deleted:\n${lines.join('\n')}`);
    assert.deepEqual(Ledger.load(dir).outstanding, []);
    assert.equal((await call(cloud, 'GET', `/v3/projects/${left.projectId}`, { token: await asAdmin() })).status, 404);
    assert.ok(records(left.ledger).some((r) => r.entryId === g && r.op === 'deleted'), 'the left-over grant is settled in the ledger');
  });
});
