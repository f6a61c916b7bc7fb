import type { Migration } from '../core/store';
import { workQueueMigration } from '../core/work-queue';

/**
 * Glance's tables, reduced to what the v2 API shows: images (custom properties and tags as
 * JSON columns), members, and the import jobs the work queue resumes after a restart.
 */
export const imageMigrations: Migration[] = [
  {
    version: 1,
    release: '2024.1',
    description: 'initial image schema',
    up: `
      CREATE TABLE images (
        id TEXT PRIMARY KEY, name TEXT, status TEXT NOT NULL, visibility TEXT NOT NULL,
        protected INTEGER NOT NULL DEFAULT 0, os_hidden INTEGER NOT NULL DEFAULT 0, owner TEXT,
        container_format TEXT, disk_format TEXT, min_disk INTEGER NOT NULL DEFAULT 0,
        min_ram INTEGER NOT NULL DEFAULT 0, size INTEGER, virtual_size INTEGER, checksum TEXT,
        os_hash_algo TEXT, os_hash_value TEXT, stored INTEGER NOT NULL DEFAULT 0,
        staged_size INTEGER, properties TEXT NOT NULL DEFAULT '{}', tags TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, deleted_at TEXT);
      CREATE INDEX images_owner ON images(owner, deleted);
      CREATE INDEX images_created ON images(deleted, created_at, id);
      CREATE TABLE image_members (
        image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE, member_id TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (image_id, member_id));
      CREATE INDEX image_members_member ON image_members(member_id, status);
      CREATE TABLE import_jobs (
        image_id TEXT PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE, method TEXT NOT NULL,
        queued_at TEXT NOT NULL);
    `,
  },
  workQueueMigration(2, '2024.1'),
  {
    version: 3,
    release: '2024.1',
    description: 'import jobs move to the shared work queue',
    up: `INSERT OR IGNORE INTO work_queue (kind, key, payload, queued_at)
           SELECT 'image-import', image_id, json_object('method', method), CAST(strftime('%s', queued_at) AS INTEGER) * 1000 FROM import_jobs;
         DROP TABLE import_jobs;`,
  },
];
