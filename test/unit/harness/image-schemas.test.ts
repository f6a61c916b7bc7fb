import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoSecrets, bodyOf, loadRecorded, registry, rejects } from './recorded';
import { describeSchemaErrors } from '../../../harness/wire';



const fixtures = loadRecorded('glance-zed');

const body = (name: string): any => bodyOf(fixtures, name);

test('every image schema compiles in strict mode', () => {
  registry.compileAll();
  const ids = registry.list().filter((id) => id.startsWith('image/'));
  for (const needed of ['versions', 'image', 'image-list', 'member', 'member-list', 'error', 'import-info', 'usage', 'schema-image', 'schema-images']) {
    assert.ok(ids.includes(`image/${needed}`), `missing schema image/${needed}`);
  }
});

test('responses recorded from a real Glance (Zed) match their schemas', () => {
  const failures: string[] = [];
  let checked = 0;
  for (const [name, f] of fixtures) {
    if (!f.schema) continue;
    checked++;
    const r = registry.validate(f.schema, f.response.body);
    if (!r.valid) failures.push(`${name} vs ${f.schema}: ${describeSchemaErrors(r.errors)}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 60, `only ${checked} fixtures name a schema`);
});

test('recorded fixtures carry no token and no private key', () => assertNoSecrets(fixtures));

test('image schema: second-precision Z timestamps, string custom properties, hashes once active', () => {
  const img = body('image-show-active');
  rejects('image/image', { ...img, created_at: '2026-11-24T21:11:10.000000Z' }, /\/created_at must match pattern/);
  rejects('image/image', { ...img, updated_at: '2026-11-24T21:11:10' }, /\/updated_at must match pattern/);
  rejects('image/image', { ...img, custom_key: 5 }, /\/custom_key must be string/);
  rejects('image/image', { ...img, checksum: null }, /\/checksum must be string/);
  rejects('image/image', { ...img, os_hash_value: null }, /\/os_hash_value must be string/);
  rejects('image/image', { ...img, visibility: 'everyone' }, /\/visibility must be one of/);
  rejects('image/image', { ...img, status: 'ACTIVE' }, /\/status must be one of/);
  rejects('image/image', { ...img, self: `http://x/v2/images/${img.id}` }, /\/self must match pattern/);
  rejects('image/image', { image: img }, /must have required property 'id'/);
  const noTags = structuredClone(img);
  delete noTags.tags;
  rejects('image/image', noTags, /must have required property 'tags'/);
  // A queued image has no data yet: nulls are right there.
  assert.equal(registry.validate('image/image', body('image-create-minimal')).valid, true);
});

test('list schema: images, first, schema and a marker in next; nothing else', () => {
  const list = body('image-list-limit-1');
  assert.ok(list.next, 'the recorded page has a next link');
  rejects('image/image-list', { ...list, next: '/v2/images?limit=1' }, /\/next must match pattern/);
  rejects('image/image-list', { ...list, images_links: [] }, /unexpected property 'images_links'/);
  const noFirst = structuredClone(list);
  delete noFirst.first;
  rejects('image/image-list', noFirst, /must have required property 'first'/);
});

test('error, versions, member and usage schemas reject the other services\' shapes', () => {
  rejects('image/error', { message: 'x', code: 404, title: 'Not Found' }, /\/code must be string/);
  rejects('image/error', { error: { code: 404, title: 'Not Found', message: 'x' } }, /must have required property 'message'/);
  const versions = body('versions-root');
  rejects('image/versions', { versions: { values: versions.versions } }, /\/versions must be array/);
  const twoCurrent = structuredClone(versions);
  twoCurrent.versions[1].status = 'CURRENT';
  rejects('image/versions', twoCurrent, /must contain at least 1 and no more than 1 valid item/);
  const member = body('member-create');
  rejects('image/member', { ...member, status: 'ACCEPTED' }, /\/status must be one of/);
  rejects('image/member', { member }, /must have required property 'member_id'/);
  rejects('image/usage', { usage: { image_count_total: { limit: '1', usage: 0 } } }, /\/usage\/image_count_total\/limit must be integer/);
  rejects('image/usage', { usage: { images: { limit: 1, usage: 0 } } }, /property name must be valid|must be equal to one of the allowed values|must be one of/);
});
