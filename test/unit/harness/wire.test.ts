import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Exchange } from '../../../harness/client';
import { checkExchange, SchemaRegistry, UnknownSchemaError, WireMismatch } from '../../../harness/wire';

function exchange(over: {
  method?: string;
  url?: string;
  status?: number;
  headers?: Record<string, string>;
  text?: string;
}): Exchange {
  const text = over.text ?? '';
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    request: { method: over.method ?? 'GET', url: over.url ?? 'http://h:5000/v3/projects', headers: {} },
    response: {
      status: over.status ?? 200,
      headers: over.headers ?? { 'x-openstack-request-id': 'req-1', 'content-type': 'application/json' },
      text,
      ...(json !== undefined ? { json } : {}),
    },
    durationMs: 1,
  };
}

function mismatch(fn: () => unknown, message: string | RegExp, kind?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof WireMismatch, `expected WireMismatch, got ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    if (kind) assert.equal(e.kind, kind);
    return true;
  });
}

let dir: string;
let registry: SchemaRegistry;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-schemas-'));
  fs.mkdirSync(path.join(dir, 'identity'));
  fs.writeFileSync(
    path.join(dir, 'identity', 'project-list.json'),
    JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'identity/project-list',
      type: 'object',
      required: ['projects'],
      properties: { projects: { type: 'array', items: { $ref: 'thing#/$defs/project' } } },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'identity', 'thing.json'),
    JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'identity/thing',
      $defs: {
        project: { type: 'object', required: ['id', 'enabled'], properties: { id: { type: 'string' }, enabled: { type: 'boolean' } } },
      },
    }),
  );
  registry = new SchemaRegistry(dir);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('checkExchange', () => {
  test('passes a matching exchange and returns the body', () => {
    const ex = exchange({ text: '{"projects":[{"id":"p","enabled":true}]}' });
    const body = checkExchange(ex, { status: 200, schema: 'identity/project-list' }, { registry });
    assert.deepEqual(body, { projects: [{ id: 'p', enabled: true }] });
  });

  test('status mismatch: one sentence with the body excerpt', () => {
    const text = JSON.stringify({ error: { code: 400, title: 'Bad Request', message: 'x'.repeat(400) } });
    const ex = exchange({ method: 'POST', url: 'http://h:5000/v3/auth/tokens', status: 400, text });
    mismatch(
      () => checkExchange(ex, { status: 201 }),
      `POST /v3/auth/tokens answered 400, expected 201: ${text.slice(0, 300)}… (first 300 chars)`,
      'status',
    );
    mismatch(() => checkExchange(exchange({ status: 500 }), { status: [200, 201, 202] }), 'GET /v3/projects answered 500, expected 200, 201 or 202: (empty body)');
  });

  test('schema mismatch names the schema and the failing path', () => {
    const ex = exchange({ text: '{"projects":[{"id":"p","enabled":"yes"}]}' });
    mismatch(
      () => checkExchange(ex, { schema: 'identity/project-list' }, { registry }),
      'GET /v3/projects body does not match schema identity/project-list: /projects/0/enabled must be boolean',
      'schema',
    );
    mismatch(
      () => checkExchange(exchange({ text: '<html>oops</html>', headers: { 'x-openstack-request-id': 'r', 'content-type': 'text/html' } }), { schema: 'identity/project-list' }, { registry }),
      'GET /v3/projects body is not JSON, so it cannot match schema identity/project-list: <html>oops</html>',
    );
  });

  test('an unknown schema id is a test defect, not a wire mismatch', () => {
    assert.throws(() => checkExchange(exchange({ text: '{}' }), { schema: 'identity/nope' }, { registry }), UnknownSchemaError);
  });

  test('a 204 must be empty, and noBody holds any status to it', () => {
    mismatch(
      () => checkExchange(exchange({ method: 'DELETE', url: 'http://h/v3/projects/p1', status: 204, text: '{"ok":true}' }), { status: 204 }),
      'DELETE /v3/projects/p1 answered 204 with a body, but a 204 must be empty: {"ok":true}',
      'body',
    );
    assert.doesNotThrow(() => checkExchange(exchange({ status: 204 }), { status: 204 }));
    mismatch(() => checkExchange(exchange({ status: 202, text: 'queued' }), { noBody: true }), 'GET /v3/projects answered 202 with a body where none was expected: queued');
  });

  test('X-Openstack-Request-Id is required by default (any case), and can be switched off', () => {
    const noId = exchange({ headers: { 'content-type': 'application/json' } });
    mismatch(() => checkExchange(noId, {}), 'GET /v3/projects answered 200 without header X-Openstack-Request-Id', 'header');
    assert.doesNotThrow(() => checkExchange(exchange({ headers: { 'X-OpenStack-Request-ID': 'req-2' } }), {}));
    assert.doesNotThrow(() => checkExchange(noId, { requestId: false }));
    assert.doesNotThrow(() => checkExchange(noId, { headers: { 'x-openstack-request-id': false } }));
  });

  test('header expectations: exact, pattern, present, absent', () => {
    const ex = exchange({
      headers: { 'x-openstack-request-id': 'req-1', 'openstack-api-version': 'compute 2.1', vary: 'OpenStack-API-Version' },
    });
    assert.doesNotThrow(() =>
      checkExchange(ex, { headers: { 'OpenStack-API-Version': 'compute 2.1', Vary: /OpenStack-API-Version/, 'x-openstack-request-id': true, Location: false } }),
    );
    mismatch(
      () => checkExchange(ex, { headers: { 'OpenStack-API-Version': 'compute 2.47' } }),
      'GET /v3/projects header OpenStack-API-Version is "compute 2.1", expected "compute 2.47"',
    );
    mismatch(() => checkExchange(ex, { headers: { Vary: /X-OpenStack-Nova-API-Version/ } }), /header Vary is "OpenStack-API-Version", expected to match \/X-OpenStack-Nova-API-Version\/$/);
    mismatch(() => checkExchange(ex, { headers: { Location: true } }), 'GET /v3/projects answered 200 without header Location');
    mismatch(() => checkExchange(ex, { headers: { vary: false } }), 'GET /v3/projects carries header vary ("OpenStack-API-Version"), which it should not');
  });
});

describe('SchemaRegistry', () => {
  test('compiles each schema once, lazily, and resolves $refs between files', () => {
    const v1 = registry.validator('identity/project-list');
    assert.equal(registry.validator('identity/project-list'), v1);
    assert.deepEqual(registry.list(), ['identity/project-list', 'identity/thing']);
  });

  test('strict mode rejects unknown keywords at compile time', () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-bad-'));
    try {
      fs.writeFileSync(path.join(bad, 'x.json'), JSON.stringify({ $id: 'x/bad', type: 'object', requried: ['a'] }));
      const r = new SchemaRegistry(bad);
      assert.throws(() => r.validator('x/bad'), /strict mode: unknown keyword: "requried"/);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });

  test('duplicate $ids are refused', () => {
    const dup = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-dup-'));
    try {
      fs.writeFileSync(path.join(dup, 'a.json'), JSON.stringify({ $id: 'x/same', type: 'object' }));
      fs.writeFileSync(path.join(dup, 'b.json'), JSON.stringify({ $id: 'x/same', type: 'object' }));
      assert.throws(() => new SchemaRegistry(dup), /share the \$id 'x\/same'/);
    } finally {
      fs.rmSync(dup, { recursive: true, force: true });
    }
  });
});
