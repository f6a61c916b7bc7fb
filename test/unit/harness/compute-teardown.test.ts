/** Cleanup waits for an asynchronously deleted Nova server before deleting what it used. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Exchange, RequestOptions } from '../../../harness/client';
import { Ledger, cleanup, type RequestingSession } from '../../../harness/resources';
import { awaitServerGone, isServerPath } from '../../../harness/resources/compute-teardown';

/** A Nova whose server S stays `deleting` for `pollsUntilGone` GETs after its DELETE; its port P is in use until then. */
class FakeNova implements RequestingSession {
  calls: string[] = [];
  deleting = false;
  polls = 0;
  constructor(private readonly pollsUntilGone: number) {}
  async request(o: RequestOptions): Promise<Exchange> {
    const p = o.path!;
    this.calls.push(`${o.method} ${p}`);
    let status = 200;
    const gone = this.deleting && this.polls >= this.pollsUntilGone;
    if (o.method === 'DELETE' && p === '/servers/S') { this.deleting = true; status = 204; }
    else if (o.method === 'GET' && p === '/servers/S') { this.polls++; status = gone ? 404 : 200; }
    else if (o.method === 'DELETE' && p === '/v2.0/ports/P') status = gone ? 204 : 409;
    return { request: { method: o.method, url: `http://fake${p}`, headers: {} }, response: { status, headers: {}, text: '' }, durationMs: 0 };
  }
}

test('a server path is /servers/<id> and nothing else', () => {
  assert.ok(isServerPath('/servers/abc'));
  for (const p of ['/servers', '/servers/abc/action', '/servers/abc?x=1', '/os-keypairs/abc']) assert.ok(!isServerPath(p), p);
});

test('awaitServerGone polls until 404, and gives up at the deadline', async () => {
  const nova = new FakeNova(3);
  nova.deleting = true;
  assert.equal(await awaitServerGone(nova, '/servers/S', { intervalMs: 1 }), true);
  assert.equal(nova.polls, 4);
  const stuck = new FakeNova(Infinity);
  stuck.deleting = true;
  assert.equal(await awaitServerGone(stuck, '/servers/S', { intervalMs: 5, timeoutMs: 30 }), false);
});

test('cleanup deletes the port only after the server it served is really gone', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-nova-'));
  try {
    const ledger = new Ledger(dir, 'run');
    const add = (service: string, kind: string, deletePath: string) => {
      const e = ledger.intend({ runId: 'run', worker: 0, service, kind, name: kind, deletePath });
      ledger.created(e, { id: kind, deletePath });
    };
    add('network', 'ports', '/v2.0/ports/P');
    add('compute', 'servers', '/servers/S');
    const nova = new FakeNova(2);
    const report = await cleanup(nova, ledger.outstanding(), {});
    assert.equal(report.deleted.length, 2, JSON.stringify(report));
    const deletes = nova.calls.filter((c) => c.startsWith('DELETE'));
    assert.deepEqual(deletes, ['DELETE /servers/S', 'DELETE /v2.0/ports/P']);
    assert.ok(nova.calls.indexOf('DELETE /v2.0/ports/P') > nova.calls.lastIndexOf('GET /servers/S'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
