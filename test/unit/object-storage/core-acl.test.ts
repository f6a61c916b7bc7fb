/**
 * Container ACLs as acl.py cleans and matches them, and keystoneauth's decisions between two
 * projects and anonymous callers (docs/swift-wire-notes.md section 9).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AclError, cleanAcl, parseAcl, referrerAllowed } from '../../../reference-cloud/object-storage/proxy/acl';
import { swift, uniq, useSwiftCloud, type SwiftWorld } from './core-helpers';

describe('swift core: ACL syntax', () => {
  it('cleans messy ACLs as clean_acl does', () => {
    assert.equal(cleanAcl('X-Container-Read', 'bob , sue'), 'bob,sue');
    assert.equal(cleanAcl('X-Container-Read', 'bob,,,sue'), 'bob,sue');
    assert.equal(cleanAcl('X-Container-Read', '.referrer : *'), '.r:*');
    assert.equal(cleanAcl('X-Container-Read', '.ref:*.example.com'), '.r:.example.com');
    assert.equal(cleanAcl('X-Container-Read', '.r:*, .rlistings'), '.r:*,.rlistings');
    assert.equal(cleanAcl('X-Container-Read', '.r:-thief.com'), '.r:-thief.com');
  });

  it('refuses what clean_acl refuses, with its sentences', () => {
    assert.throws(() => cleanAcl('X-Container-Read', '.r:'), new AclError("No host/domain value after referrer designation in ACL: '.r:'"));
    assert.throws(() => cleanAcl('X-Container-Read', '.r:-'), /No host\/domain value/);
    assert.throws(() => cleanAcl('X-Container-Write', '.r:*'), new AclError("Referrers not allowed in write ACL: '.r:*'"));
    assert.throws(() => cleanAcl('X-Container-Read', '.bogus:x'), new AclError("Unknown designator '.bogus' in ACL: '.bogus:x'"));
  });

  it('matches referrers in order, the last match deciding', () => {
    const { referrers, groups } = parseAcl('.r:.example.com,.r:-thief.example.com,.rlistings,p:u');
    assert.deepEqual(groups, ['.rlistings', 'p:u']);
    assert.ok(referrerAllowed('http://www.example.com/page', referrers));
    assert.ok(!referrerAllowed('http://thief.example.com/', referrers));
    assert.ok(!referrerAllowed('http://evil.org/', referrers));
    assert.ok(!referrerAllowed(undefined, referrers));
    assert.ok(referrerAllowed(undefined, ['*']));
    assert.ok(!referrerAllowed('http://x/', []));
  });
});

describe('swift core: ACLs between projects', () => {
  let x: SwiftWorld;
  let c: string;
  useSwiftCloud((v) => { x = v; });
  const path = (o = ''): string => `${x.acct}/${c}${o ? `/${o}` : ''}`;
  const acl = async (headers: Record<string, string>): Promise<void> => {
    const r = await swift(x.cloud, 'POST', path(), { token: x.token, headers });
    assert.equal(r.status, 204, r.text);
  };

  it('denies other projects (403) and anonymous callers (401) until an ACL grants', async () => {
    c = uniq('acl');
    await swift(x.cloud, 'PUT', path(), { token: x.token });
    await swift(x.cloud, 'PUT', path('doc.txt'), { token: x.token, body: 'shared\n' });
    assert.equal((await swift(x.cloud, 'GET', path('doc.txt'), { token: x.other.token })).status, 403);
    assert.equal((await swift(x.cloud, 'GET', path('doc.txt'))).status, 401);
    assert.equal((await swift(x.cloud, 'HEAD', x.acct, { token: x.other.token })).status, 403);
  });

  it('.r:* opens objects to anyone but not the listing until .rlistings', async () => {
    await acl({ 'X-Container-Read': '.r:*' });
    assert.equal((await swift(x.cloud, 'GET', path('doc.txt'))).text, 'shared\n');
    assert.equal((await swift(x.cloud, 'GET', path())).status, 401);
    assert.equal((await swift(x.cloud, 'PUT', path('anon'), { body: 'x' })).status, 401);
    assert.equal((await swift(x.cloud, 'GET', path(), { token: x.other.token })).status, 403);
    const h = await swift(x.cloud, 'HEAD', path(), { token: x.token });
    assert.equal(h.headers['x-container-read'], '.r:*', 'the owner sees the ACL');
    await acl({ 'X-Container-Read': '.r:*,.rlistings' });
    assert.equal((await swift(x.cloud, 'GET', path())).text, 'doc.txt\n');
    // The proxy asks keystoneauth first without ACLs, so the owner stays the owner (and sees
    // the ACL) even where a public listing would let anyone in.
    const h2 = await swift(x.cloud, 'HEAD', path(), { token: x.token });
    assert.equal(h2.headers['x-container-read'], '.r:*,.rlistings');
  });

  it('grants by project:user ids, project:* and names; read grants neither write nor POST', async () => {
    await acl({ 'X-Container-Read': `${x.other.projectId}:${x.other.id}` });
    assert.equal((await swift(x.cloud, 'GET', path('doc.txt'), { token: x.other.token })).status, 200);
    const list = await swift(x.cloud, 'GET', path(), { token: x.other.token });
    assert.equal(list.text, 'doc.txt\n');
    const head = await swift(x.cloud, 'HEAD', path(), { token: x.other.token });
    assert.equal(head.status, 204);
    assert.equal(head.headers['x-container-read'], undefined, 'ACLs are hidden from non-owners');
    assert.equal((await swift(x.cloud, 'PUT', path('w'), { token: x.other.token, body: 'x' })).status, 403);
    assert.equal((await swift(x.cloud, 'POST', path(), { token: x.other.token, headers: { 'X-Container-Read': '.r:*' } })).status, 403);
    await acl({ 'X-Container-Read': `${x.other.projectId}:*` });
    assert.equal((await swift(x.cloud, 'GET', path('doc.txt'), { token: x.other.token })).status, 200);
    await acl({ 'X-Container-Read': `${x.other.projectId}:nobody` });
    assert.equal((await swift(x.cloud, 'GET', path('doc.txt'), { token: x.other.token })).status, 403);
  });

  it('X-Container-Write lets another project PUT and DELETE objects, not read them', async () => {
    await acl({ 'X-Container-Write': `${x.other.projectId}:*`, 'X-Remove-Container-Read': 'x' });
    assert.equal((await swift(x.cloud, 'PUT', path('w'), { token: x.other.token, body: 'x' })).status, 201);
    assert.equal((await swift(x.cloud, 'GET', path('w'), { token: x.other.token })).status, 403);
    assert.equal((await swift(x.cloud, 'DELETE', path('w'), { token: x.other.token })).status, 204);
    assert.equal((await swift(x.cloud, 'DELETE', path(), { token: x.other.token })).status, 403, 'a container belongs to its owner');
  });

  it('matches referrer ACLs and refuses malformed ACLs with 400', async () => {
    await acl({ 'X-Container-Read': '.r:.example.com' });
    assert.equal((await swift(x.cloud, 'GET', path('doc.txt'), { headers: { Referer: 'http://www.example.com/a' } })).status, 200);
    assert.equal((await swift(x.cloud, 'GET', path('doc.txt'), { headers: { Referer: 'http://evil.org/' } })).status, 401);
    const bad = await swift(x.cloud, 'POST', path(), { token: x.token, headers: { 'X-Container-Read': '.r:' } });
    assert.deepEqual([bad.status, bad.text], [400, "No host/domain value after referrer designation in ACL: '.r:'"]);
    const h = await swift(x.cloud, 'HEAD', path(), { token: x.token });
    assert.equal(h.headers['x-container-read'], '.r:.example.com', 'a refused POST changes nothing');
  });
});
