import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../reference-cloud/core/store';
import { imageMigrations } from '../../../reference-cloud/image/migrations';

describe('image migrations', () => {
  it('moves pending imports from import_jobs into the shared work queue', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackproof-image-mig-'));
    try {
      const old = openStore(dir, 'image', imageMigrations.slice(0, 1), '2025.2');
      old.db.prepare(`INSERT INTO images (id, status, visibility, created_at, updated_at) VALUES ('i1', 'uploading', 'shared', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`).run();
      old.db.prepare(`INSERT INTO import_jobs (image_id, method, queued_at) VALUES ('i1', 'glance-direct', '2026-01-01T00:00:05Z')`).run();
      old.close();
      const now = openStore(dir, 'image', imageMigrations, '2025.2');
      const rows = now.db.prepare('SELECT kind, key, payload, queued_at FROM work_queue').all();
      assert.deepEqual(rows, [{ kind: 'image-import', key: 'i1', payload: '{"method":"glance-direct"}', queued_at: Date.parse('2026-01-01T00:00:05Z') }]);
      assert.equal((now.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'import_jobs'").get() as { n: number }).n, 0);
      now.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
