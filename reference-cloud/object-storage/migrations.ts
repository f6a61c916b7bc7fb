/**
 * The object-storage metadata database: Swift's account, container and object databases in one
 * SQLite store. Names are TEXT compared with SQLite's default BINARY collation, which compares
 * the UTF-8 bytes: ORDER BY name is Swift's listing order. Counters (containers per account,
 * objects and bytes per container and per account) are kept in the same transaction as the
 * write that changes them. Metadata columns hold JSON objects of lower-case names (without
 * their `x-<kind>-meta-` / `x-<kind>-sysmeta-` prefix) to values as received (latin-1 strings of
 * the header bytes). Timestamps are Swift's X-Timestamp strings (`1795568922.22872`).
 */
import type { Migration } from '../core/store';

export const objectStorageMigrations: Migration[] = [
  {
    version: 1,
    release: '2024.1',
    description: 'swift: accounts, containers, objects (metadata, counters, data file ids)',
    up: `
      CREATE TABLE accounts (
        name TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        put_timestamp TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        sysmeta TEXT NOT NULL DEFAULT '{}',
        container_count INTEGER NOT NULL DEFAULT 0,
        object_count INTEGER NOT NULL DEFAULT 0,
        bytes_used INTEGER NOT NULL DEFAULT 0);

      CREATE TABLE containers (
        account TEXT NOT NULL REFERENCES accounts(name),
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        put_timestamp TEXT NOT NULL,
        storage_policy TEXT NOT NULL,
        read_acl TEXT,
        write_acl TEXT,
        meta TEXT NOT NULL DEFAULT '{}',
        sysmeta TEXT NOT NULL DEFAULT '{}',
        object_count INTEGER NOT NULL DEFAULT 0,
        bytes_used INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account, name)) WITHOUT ROWID;

      CREATE TABLE objects (
        account TEXT NOT NULL,
        container TEXT NOT NULL,
        name TEXT NOT NULL,
        -- X-Timestamp of the data (PUT) and of the latest write (PUT or POST).
        data_timestamp TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        content_type TEXT NOT NULL,
        -- What the container listing shows when a middleware overrides it (SLO: etag with
        -- slo_etag, content type with swift_bytes); NULL: the object's own.
        listing_etag TEXT,
        listing_content_type TEXT,
        listing_size INTEGER,
        -- Stored headers: Content-Encoding, Content-Disposition, X-Object-Manifest...
        headers TEXT NOT NULL DEFAULT '{}',
        meta TEXT NOT NULL DEFAULT '{}',
        sysmeta TEXT NOT NULL DEFAULT '{}',
        delete_at INTEGER,
        file_id TEXT NOT NULL,
        PRIMARY KEY (account, container, name),
        FOREIGN KEY (account, container) REFERENCES containers(account, name)) WITHOUT ROWID;
      CREATE INDEX objects_delete_at ON objects(delete_at) WHERE delete_at IS NOT NULL;
      CREATE UNIQUE INDEX objects_file_id ON objects(file_id);
    `,
  },
];
