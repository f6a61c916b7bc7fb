import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Exchange, RequestOptions } from '../../../harness/client';
import { Ledger, cleanup, type RequestingSession } from '../../../harness/resources';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-ledger-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Answers DELETE by path from a table (default 204) and GET from `lists`; records every call. */
class FakeSession implements RequestingSession {
  calls: RequestOptions[] = [];
  constructor(
    private readonly deletes: Record<string, number | Error> = {},
    private readonly lists: Record<string, unknown> = {},
  ) {}
  async request(opts: RequestOptions): Promise<Exchange> {
    this.calls.push(opts);
    const key = `${opts.service}:${opts.path}`;
    let status = 204;
    let json: unknown;
    if (opts.method === 'DELETE') {
      const d = this.deletes[key];
      if (d instanceof Error) throw d;
      status = d ?? 204;
    } else {
      json = this.lists[key];
      status = json === undefined ? 404 : 200;
    }
    const text = json === undefined ? '' : JSON.stringify(json);
    return {
      request: { method: opts.method, url: `http://fake/${opts.path}`, headers: {} },
      response: { status, headers: {}, text, ...(json !== undefined ? { json } : {}) },
      durationMs: 0,
    };
  }
  deleted(): string[] {
    return this.calls.filter((c) => c.method === 'DELETE').map((c) => `${c.service}:${c.path}`);
  }
}

const base = { runId: 'run-1', worker: 0 };

describe('Ledger', () => {
  test('writes the intent line before anything else and rebuilds outstanding entries', () => {
    const ledger = new Ledger(dir, 'run-1');
    const a = ledger.intend({ ...base, service: 'identity', kind: 'project', name: 'sp-run-1-a', deletePath: '/v3/projects/{id}' });
    const lines = fs.readFileSync(ledger.file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]!).op, 'intent');
    ledger.created(a, { id: 'p-a', deletePath: '/v3/projects/p-a' });
    const b = ledger.intend({ ...base, service: 'identity', kind: 'user', name: 'sp-run-1-b' });
    ledger.created(b, { id: 'u-b', deletePath: '/v3/users/u-b' });
    ledger.deleted(b);
    const c = ledger.intend({ ...base, service: 'compute', kind: 'server', name: 'sp-run-1-c' });

    const loaded = Ledger.load(dir);
    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(
      loaded.outstanding.map((e) => [e.entryId, e.kind, e.id, e.deletePath]),
      [
        [a, 'project', 'p-a', '/v3/projects/p-a'],
        [c, 'server', undefined, undefined],
      ],
    );
    assert.equal(fs.statSync(ledger.file).mode & 0o777, 0o600);
  });

  test('a torn last line (crash mid-write) is ignored with a warning; earlier lines survive', () => {
    const ledger = new Ledger(dir, 'run-crash');
    const a = ledger.intend({ ...base, service: 'identity', kind: 'project', name: 'a' });
    ledger.created(a, { id: 'p-a', deletePath: '/v3/projects/p-a' });
    fs.appendFileSync(ledger.file, '{"op":"deleted","entryId":"' + a.slice(0, 10)); // no closing, no newline
    const loaded = Ledger.load(dir);
    assert.equal(loaded.outstanding.length, 1);
    assert.equal(loaded.outstanding[0]!.id, 'p-a');
    assert.equal(loaded.warnings.length, 1);
    assert.match(loaded.warnings[0]!, /the last line is incomplete \(a crash while writing\?\) and was ignored\.$/);
  });

  test('load reads every ledger in the directory, oldest intent first; a missing directory is empty', () => {
    const one = new Ledger(dir, 'run-a');
    const x = one.intend({ ...base, service: 'image', kind: 'image', name: 'x' });
    const two = new Ledger(dir, 'run-b');
    const y = two.intend({ ...base, runId: 'run-b', service: 'network', kind: 'network', name: 'y' });
    const z = one.intend({ ...base, service: 'image', kind: 'image', name: 'z' });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a ledger');
    const ids = Ledger.load(dir).outstanding.map((e) => e.entryId);
    assert.deepEqual(ids.slice().sort(), [x, y, z].sort());
    assert.ok(ids.indexOf(x) < ids.indexOf(z), 'same-file order is kept');
    assert.deepEqual(Ledger.load(path.join(dir, 'absent')).outstanding, []);
  });
});

describe('cleanup', () => {
  function seeded() {
    const ledger = new Ledger(dir, 'run-1');
    const project = ledger.intend({ ...base, service: 'identity', kind: 'project', name: 'p', deletePath: '/v3/projects/{id}' });
    ledger.created(project, { id: 'P1', deletePath: '/v3/projects/P1' });
    const user = ledger.intend({ ...base, service: 'identity', kind: 'user', name: 'u' });
    ledger.created(user, { id: 'U1', deletePath: '/v3/users/U1' });
    const server = ledger.intend({ ...base, service: 'compute', kind: 'server', name: 's' });
    ledger.created(server, { id: 'S1', deletePath: '/servers/S1' });
    return { ledger, project, user, server };
  }

  test('deletes newest first, records deletions, and a second pass finds nothing left', async () => {
    const { ledger } = seeded();
    const session = new FakeSession();
    const log: string[] = [];
    const report = await cleanup(session, Ledger.load(dir).outstanding, { log: (l) => log.push(l) });
    assert.deepEqual(session.deleted(), ['compute:/servers/S1', 'identity:/v3/users/U1', 'identity:/v3/projects/P1']);
    assert.deepEqual(report.deleted.map((e) => e.id), ['S1', 'U1', 'P1']);
    assert.equal(log[0], "deleted compute server 's' (S1)");
    assert.deepEqual(ledger.outstanding(), []);
    assert.deepEqual(Ledger.load(dir).outstanding, []);
  });

  test('404 counts as already gone; other errors are failures and stay outstanding', async () => {
    seeded();
    const session = new FakeSession({
      'compute:/servers/S1': 404,
      'identity:/v3/users/U1': 409,
      'identity:/v3/projects/P1': new Error('socket hang up'),
    });
    const report = await cleanup(session, Ledger.load(dir).outstanding);
    assert.deepEqual(report.missing.map((e) => e.id), ['S1']);
    assert.deepEqual(report.failed.map((f) => [f.entry.id, f.reason]), [
      ['U1', 'DELETE /v3/users/U1 answered 409'],
      ['P1', 'socket hang up'],
    ]);
    assert.deepEqual(Ledger.load(dir).outstanding.map((e) => e.id), ['P1', 'U1']);
  });

  test('dry run sends no DELETE and changes no ledger', async () => {
    const { ledger } = seeded();
    const before = fs.readFileSync(ledger.file, 'utf8');
    const session = new FakeSession();
    const report = await cleanup(session, Ledger.load(dir).outstanding, { dryRun: true });
    assert.deepEqual(session.deleted(), []);
    assert.deepEqual(report.planned.map((e) => e.id), ['S1', 'U1', 'P1']);
    assert.deepEqual(report.deleted, []);
    assert.equal(fs.readFileSync(ledger.file, 'utf8'), before);
  });

  test('an intent without an id is skipped unless a findPath finds exactly one resource by its exact name', async () => {
    const ledger = new Ledger(dir, 'run-1');
    ledger.intend({ ...base, service: 'network', kind: 'network', name: 'no-find', deletePath: '/v2.0/networks/{id}' });
    ledger.intend({ ...base, service: 'network', kind: 'network', name: 'sp-net', deletePath: '/v2.0/networks/{id}', findPath: '/v2.0/networks?name=sp-net' });
    ledger.intend({ ...base, service: 'network', kind: 'network', name: 'sp-twice', deletePath: '/v2.0/networks/{id}', findPath: '/v2.0/networks?name=sp-twice' });
    ledger.intend({ ...base, service: 'network', kind: 'network', name: 'sp-never', deletePath: '/v2.0/networks/{id}', findPath: '/v2.0/networks?name=sp-never' });
    const session = new FakeSession({}, {
      'network:/v2.0/networks?name=sp-net': { networks: [{ id: 'N1', name: 'sp-net' }, { id: 'N9', name: 'sp-net-other' }] },
      'network:/v2.0/networks?name=sp-twice': { networks: [{ id: 'T1', name: 'sp-twice' }, { id: 'T2', name: 'sp-twice' }] },
      'network:/v2.0/networks?name=sp-never': { networks: [] },
    });
    const report = await cleanup(session, Ledger.load(dir).outstanding);
    assert.deepEqual(session.deleted(), ['network:/v2.0/networks/N1']);
    assert.deepEqual(report.deleted.map((e) => e.name), ['sp-net']);
    assert.deepEqual(report.missing.map((e) => e.name), ['sp-never']);
    assert.deepEqual(report.skipped.map((s) => [s.entry.name, s.reason]), [
      ['sp-twice', "2 resources are named 'sp-twice'; none was deleted"],
      ['no-find', 'the create never reported an id and no findPath was recorded'],
    ]);
    assert.deepEqual(Ledger.load(dir).outstanding.map((e) => e.name).sort(), ['no-find', 'sp-twice']);
  });

  test('never deletes anything that is not in the entries it was given', async () => {
    const { server } = seeded();
    const only = Ledger.load(dir).outstanding.filter((e) => e.entryId === server);
    const session = new FakeSession();
    await cleanup(session, only);
    assert.deepEqual(session.deleted(), ['compute:/servers/S1']);
  });
});
