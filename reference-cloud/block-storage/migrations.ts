/**
 * The block-storage database (cinder's), one SQLite store. Rows are deleted when Cinder would
 * soft-delete them (nothing reads deleted rows back through the API). Timestamps are full ISO
 * strings (milliseconds, Z) from `api.now()`, formatted on the way out as Cinder does
 * (microseconds, no zone: see common.ts). Booleans are 0/1; JSON columns hold what Cinder keeps
 * as JSON.
 */
import type { Migration } from '../core/store';
import { workQueueMigration } from '../core/work-queue';

export const blockStorageMigrations: Migration[] = [
  {
    version: 1,
    release: '2024.1',
    description: 'cinder: types, backends, volumes, attachments, snapshots, backups, quotas',
    up: `
      CREATE TABLE volume_types (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT,
        is_public INTEGER NOT NULL DEFAULT 1, qos_specs_id TEXT,
        created_at TEXT NOT NULL, updated_at TEXT);
      CREATE TABLE volume_type_extra_specs (
        volume_type_id TEXT NOT NULL REFERENCES volume_types(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (volume_type_id, key));
      CREATE TABLE volume_type_projects (
        volume_type_id TEXT NOT NULL REFERENCES volume_types(id) ON DELETE CASCADE, project_id TEXT NOT NULL,
        PRIMARY KEY (volume_type_id, project_id));

      -- The simulated cinder-volume backends (host@backend#pool), from the block_storage topology.
      CREATE TABLE backends (
        host TEXT PRIMARY KEY,                 -- e.g. stackproof@lvmdriver-1#lvmdriver-1
        backend_name TEXT NOT NULL,            -- volume_backend_name
        availability_zone TEXT NOT NULL,
        total_capacity_gb INTEGER NOT NULL,
        -- Capabilities the scheduler matches extra specs against (JSON: multiattach, thin_provisioning_support...).
        capabilities TEXT NOT NULL DEFAULT '{}',
        disabled INTEGER NOT NULL DEFAULT 0,
        -- Kept by triggers on volumes: the sum of the sizes of the volumes on this backend.
        allocated_gb INTEGER NOT NULL DEFAULT 0);

      CREATE TABLE volumes (
        id TEXT PRIMARY KEY, project_id TEXT NOT NULL, user_id TEXT NOT NULL,
        name TEXT, description TEXT, size INTEGER NOT NULL,
        status TEXT NOT NULL,                  -- creating available reserved attaching in-use detaching
                                               -- deleting error error_deleting extending error_extending
                                               -- retyping downloading uploading backing-up restoring-backup maintenance
        attach_status TEXT NOT NULL DEFAULT 'detached',   -- detached attaching attached detaching
        migration_status TEXT,
        availability_zone TEXT NOT NULL,
        volume_type_id TEXT NOT NULL REFERENCES volume_types(id),
        host TEXT REFERENCES backends(host),   -- NULL until scheduled
        snapshot_id TEXT, source_volid TEXT, image_id TEXT,
        bootable INTEGER NOT NULL DEFAULT 0, multiattach INTEGER NOT NULL DEFAULT 0,
        encrypted INTEGER NOT NULL DEFAULT 0, consumes_quota INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL, updated_at TEXT, launched_at TEXT, terminated_at TEXT);
      CREATE INDEX volumes_project ON volumes (project_id, created_at);
      CREATE TABLE volume_metadata (
        volume_id TEXT NOT NULL REFERENCES volumes(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (volume_id, key));
      -- Admin metadata (readonly, attached_mode...).
      CREATE TABLE volume_admin_metadata (
        volume_id TEXT NOT NULL REFERENCES volumes(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (volume_id, key));
      -- volume_image_metadata: the image properties a bootable volume carries (volume_glance_metadata).
      CREATE TABLE volume_glance_metadata (
        volume_id TEXT REFERENCES volumes(id) ON DELETE CASCADE,
        snapshot_id TEXT REFERENCES snapshots(id) ON DELETE CASCADE,
        key TEXT NOT NULL, value TEXT NOT NULL);
      CREATE UNIQUE INDEX volume_glance_metadata_key ON volume_glance_metadata (ifnull(volume_id, ''), ifnull(snapshot_id, ''), key);

      CREATE TRIGGER backends_allocate AFTER INSERT ON volumes WHEN NEW.host IS NOT NULL BEGIN
        UPDATE backends SET allocated_gb = allocated_gb + NEW.size WHERE host = NEW.host; END;
      CREATE TRIGGER backends_reallocate AFTER UPDATE OF host, size ON volumes BEGIN
        UPDATE backends SET allocated_gb = allocated_gb - OLD.size WHERE host = OLD.host AND OLD.host IS NOT NULL;
        UPDATE backends SET allocated_gb = allocated_gb + NEW.size WHERE host = NEW.host AND NEW.host IS NOT NULL; END;
      CREATE TRIGGER backends_free AFTER DELETE ON volumes WHEN OLD.host IS NOT NULL BEGIN
        UPDATE backends SET allocated_gb = allocated_gb - OLD.size WHERE host = OLD.host; END;

      CREATE TABLE volume_attachment (
        id TEXT PRIMARY KEY, volume_id TEXT NOT NULL REFERENCES volumes(id) ON DELETE CASCADE,
        project_id TEXT NOT NULL,
        instance_uuid TEXT, attached_host TEXT, mountpoint TEXT,
        attach_status TEXT NOT NULL,           -- reserved attaching attached detaching detached error_attaching error_detaching
        attach_mode TEXT,                      -- rw ro; NULL until connected
        connector TEXT,                        -- JSON, NULL until PUT with a connector
        connection_info TEXT,                  -- JSON
        -- 1 when created with a service token (Nova's): only a service token may delete it (CVE-2023-2088).
        service_owned INTEGER NOT NULL DEFAULT 0,
        attach_time TEXT, detach_time TEXT, created_at TEXT NOT NULL, updated_at TEXT);
      CREATE INDEX volume_attachment_volume ON volume_attachment (volume_id);

      CREATE TABLE snapshots (
        id TEXT PRIMARY KEY, volume_id TEXT NOT NULL REFERENCES volumes(id),
        project_id TEXT NOT NULL, user_id TEXT NOT NULL,
        name TEXT, description TEXT, size INTEGER NOT NULL,
        status TEXT NOT NULL,                  -- creating available deleting error error_deleting backing-up
        progress TEXT NOT NULL DEFAULT '0%',
        volume_type_id TEXT, consumes_quota INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL, updated_at TEXT);
      CREATE INDEX snapshots_project ON snapshots (project_id, created_at);
      CREATE INDEX snapshots_volume ON snapshots (volume_id);
      CREATE TABLE snapshot_metadata (
        snapshot_id TEXT NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (snapshot_id, key));

      CREATE TABLE backups (
        id TEXT PRIMARY KEY, project_id TEXT NOT NULL, user_id TEXT NOT NULL,
        volume_id TEXT NOT NULL, snapshot_id TEXT, parent_id TEXT,
        name TEXT, description TEXT, size INTEGER NOT NULL,
        status TEXT NOT NULL,                  -- creating available deleting error restoring
        fail_reason TEXT, availability_zone TEXT,
        container TEXT, object_count INTEGER NOT NULL DEFAULT 0,
        -- Where the data went: 'swift' (the object store, in the owner's account) or 'posix' (local files).
        driver TEXT, is_incremental INTEGER NOT NULL DEFAULT 0,
        data_timestamp TEXT, created_at TEXT NOT NULL, updated_at TEXT);
      CREATE INDEX backups_project ON backups (project_id, created_at);
      CREATE TABLE backup_metadata (
        backup_id TEXT NOT NULL REFERENCES backups(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (backup_id, key));

      -- Limits set per project (and class defaults under project_id '__default__'); usage is
      -- counted from the rows above in the transaction that adds to it.
      CREATE TABLE quotas (
        project_id TEXT NOT NULL, resource TEXT NOT NULL, hard_limit INTEGER NOT NULL,
        PRIMARY KEY (project_id, resource));
    `,
  },
  workQueueMigration(2, '2024.1'),
];
