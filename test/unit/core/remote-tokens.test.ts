import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { RemoteTokenValidator } from '../../../reference-cloud/core/remote-tokens';
import type { ApiError } from '../../../reference-cloud/core/errors';

/** A Keystone that issues service tokens but refuses every one of them when validating. */
describe('remote token validation', () => {
  let server: Server;
  let authUrl = '';
  const calls = { issue: 0, validate: 0 };
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.method === 'POST') {
        calls.issue++;
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': `svc-${calls.issue}` });
        res.end(JSON.stringify({ token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), user: { id: 'svc' } } }));
      } else {
        calls.validate++;
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end('{"error":{"code":401}}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    authUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/v3`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('renews its own service token once after a 401, then answers 503 instead of retrying forever', async () => {
    const v = new RemoteTokenValidator({ authUrl, username: 'stackproof', password: 'x', projectName: 'service', cacheSeconds: 60 });
    await assert.rejects(v.validate('user-token'), (e: ApiError) => e.status === 503);
    assert.deepEqual(calls, { issue: 2, validate: 2 });
  });
});
