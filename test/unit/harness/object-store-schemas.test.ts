/**
 * The object-store schemas against real Swift (2.30.1, Zed) answers recorded in test/fixtures/swift-zed:
 * every fixture that names a schema validates against it (a JSON body Swift served as text/plain, such as
 * the raw SLO manifest, is parsed from bodyText), the schemas reject broken bodies, and the wire facts
 * that docs/swift-wire-notes.md states hold in the recordings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accepts, assertNoSecrets, bodyOf, loadRecorded, registry, rejects, type Recorded } from './recorded';
import { describeSchemaErrors } from '../../../harness/wire';

const fixtures = loadRecorded('swift-zed');
const get = (name: string): Recorded => {
  const f = fixtures.get(name);
  assert.ok(f, `fixture ${name}`);
  return f;
};
const status = (name: string): number => get(name).response.status;
const header = (name: string, h: string): string | undefined => get(name).response.headers[h];
const text = (name: string): string | undefined => get(name).response.bodyText;
const json = (f: Recorded): unknown => f.response.body ?? JSON.parse(f.response.bodyText ?? 'null');

test('every object-store schema compiles in strict mode', () => {
  registry.compileAll();
  const ids = registry.list().filter((id) => id.startsWith('object-store/'));
  for (const needed of ['common', 'info', 'account-listing', 'container-listing', 'slo-manifest', 'slo-manifest-raw', 'bulk-delete-result']) {
    assert.ok(ids.includes(`object-store/${needed}`), `missing schema object-store/${needed}`);
  }
});

test('responses recorded from a real Swift (Zed) match their schemas', () => {
  const failures: string[] = [];
  let checked = 0;
  for (const [name, f] of fixtures) {
    if (!f.schema) continue;
    checked++;
    const r = registry.validate(f.schema, json(f));
    if (!r.valid) failures.push(`${name} vs ${f.schema}: ${describeSchemaErrors(r.errors)}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(checked >= 35, `only ${checked} fixtures name a schema`);
});

test('recorded fixtures carry no token and no temp-URL key', () => {
  assertNoSecrets(fixtures);
  for (const [name, f] of fixtures) {
    const h = f.request.headers ?? {};
    for (const [k, v] of Object.entries(h)) if (/temp-url-key/i.test(k)) assert.match(v, /<temp-url-key>/, `${name} ${k}`);
    for (const [k, v] of Object.entries(f.response.headers)) if (/temp-url-key/i.test(k)) assert.match(v, /<temp-url-key>/, `${name} ${k}`);
  }
});

test('the schemas reject broken bodies', () => {
  const listing = bodyOf(fixtures, 'list-json');
  listing[0].hash = `"${listing[0].hash}"`;
  rejects('object-store/container-listing', listing, /hash|pattern|oneOf/);
  const dated = bodyOf(fixtures, 'list-json');
  dated[0].last_modified = '2026-11-25T01:08:47Z';
  rejects('object-store/container-listing', dated, /last_modified|pattern|oneOf/);
  const sub = bodyOf(fixtures, 'list-delimiter');
  sub[1] = { subdir: 'b/', bytes: 0 };
  rejects('object-store/container-listing', sub, /additional|oneOf/);
  const account = bodyOf(fixtures, 'account-get-json');
  delete account[0].count;
  rejects('object-store/account-listing', account, /count|oneOf/);
  const info = bodyOf(fixtures, 'info');
  delete info.swift.max_object_name_length;
  rejects('object-store/info', info, /max_object_name_length/);
  const bulk = bodyOf(fixtures, 'bulk-delete-json');
  bulk['Number Deleted'] = '2';
  rejects('object-store/bulk-delete-result', bulk, /integer/);
  accepts('object-store/container-listing', []);
});

test('every answer carries one transaction id, the same in X-Trans-Id and X-Openstack-Request-Id', () => {
  for (const [name, f] of fixtures) {
    const h = f.response.headers;
    // a Content-Length that is not a number is refused by eventlet's HTTP server before Swift sees it
    if (name === 'object-put-bad-content-length') {
      assert.deepEqual(h, { Connection: 'close', 'Content-length': '0' });
      continue;
    }
    assert.match(h['X-Trans-Id'] ?? '', /^tx[0-9a-f]{21}-[0-9a-f]{10}$/, `${name} X-Trans-Id`);
    assert.equal(h['X-Openstack-Request-Id'], h['X-Trans-Id'], `${name} request id`);
  }
});

test('status codes Swift answers with', () => {
  const expected: Record<string, number> = {
    'container-put': 201, 'container-put-again': 202, 'container-head': 204, 'container-get-empty-plain': 204,
    'container-get-empty-json': 200, 'container-post-meta': 204, 'container-delete': 204, 'container-delete-again': 404,
    'container-delete-not-empty': 409, 'account-get-fresh-plain': 204, 'account-head-fresh': 200, 'account-head': 204,
    'account-put': 405, 'object-put': 201, 'object-put-etag-mismatch': 422, 'object-put-no-length': 411,
    'object-put-chunked': 201, 'object-post-meta': 202, 'object-delete': 204, 'object-delete-again': 404,
    'object-range-first': 206, 'object-range-multi': 206, 'object-range-unsatisfiable': 416, 'object-range-malformed': 200,
    'object-if-match-fail': 412, 'object-if-none-match': 304, 'object-if-modified-since': 304, 'object-put-if-none-match': 412,
    'object-copy': 201, 'object-copy-from': 201, 'object-get-expired': 404, 'object-put-delete-at-past': 400,
    'name-1025': 400, 'name-null': 412, 'list-limit-too-big': 412, 'list-accept-unsupported': 406,
    'account-no-token': 401, 'account-other-project': 403, 'slo-put': 201, 'slo-put-etag-wrong': 422,
    'bulk-delete-json': 200, 'bulk-delete-container-not-empty': 200, 'acl-anon-get-public': 200,
    'acl-anon-list-public-no-listings': 401, 'acl-other-get-denied': 403, 'tempurl-get-sha256': 200,
    'tempurl-get-expired': 401, 'quota-put-single-over-bytes': 413, 'quota-put-over-count-zero': 413,
  };
  const wrong = Object.entries(expected).filter(([n, s]) => status(n) !== s).map(([n, s]) => `${n}: ${status(n)} != ${s}`);
  assert.deepEqual(wrong, []);
});

test('ETags: plain md5 for objects, quoted md5-of-md5s for SLO and DLO', () => {
  assert.match(header('object-put', 'Etag')!, /^[0-9a-f]{32}$/);
  assert.equal(header('object-get', 'Etag'), header('object-put', 'Etag'));
  assert.match(header('slo-get', 'Etag')!, /^"[0-9a-f]{32}"$/);
  assert.equal(header('slo-put', 'Etag'), header('slo-get', 'Etag'));
  assert.match(header('slo-get', 'X-Manifest-Etag')!, /^[0-9a-f]{32}$/);
  assert.equal(header('dlo-get', 'Etag'), header('slo-get', 'Etag'));
  assert.equal(header('slo-get-manifest', 'Etag'), header('slo-get', 'X-Manifest-Etag'));
});

test('error bodies are small HTML or plain text, never JSON', () => {
  assert.equal(text('object-get-missing'), '<html><h1>Not Found</h1><p>The resource could not be found.</p></html>');
  assert.equal(header('object-get-missing', 'Content-Type'), 'text/html; charset=UTF-8');
  assert.equal(text('name-1025'), 'Object name length of 1025 longer than 1024');
  assert.equal(text('object-put-no-length'), 'Missing Content-Length header.');
  assert.equal(text('tempurl-get-expired'), '401 Unauthorized: Temp URL invalid\n');
  for (const [name, f] of fixtures) {
    if (f.response.status >= 400) assert.doesNotMatch(f.response.headers['Content-Type'] ?? '', /json/, `${name} error Content-Type`);
  }
});
