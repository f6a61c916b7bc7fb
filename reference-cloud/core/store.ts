/**
 * Persistent state: one SQLite database (WAL) per service in the data directory, with versioned
 * migrations attached to the release that introduced them. A cloud running release R applies
 * every migration of R and earlier, so an upgrade migrates data in place.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareReleases } from '../releases';

export type Db = Database.Database;

export interface Migration {
  /** Monotonic within a service. */
  version: number;
  /** Release that introduced it, e.g. '2024.1'. */
  release: string;
  description: string;
  up: string | ((db: Db) => void);
}

export interface ServiceStore {
  db: Db;
  /** Directory for this service's files (object data, image data, keys). */
  dir: string;
  /** Runs fn in one IMMEDIATE transaction (writers serialise; readers never block). */
  tx<T>(fn: () => T): T;
  close(): void;
}

export function openStore(dataDir: string, service: string, migrations: Migration[], release: string): ServiceStore {
  const dir = join(dataDir, service);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dir, `${service}.sqlite`));
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives a crash of the process and of the machine.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  cachePreparedStatements(db);
  migrate(db, migrations, release);
  return {
    db,
    dir,
    // Callers pass fresh closures, so there is nothing to cache: wrapping is cheap.
    tx: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    close: () => db.close(),
  };
}

/** How many distinct SQL texts a database keeps compiled (listing queries vary with their filters). */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Makes `db.prepare` reuse compiled statements: code writes `db.prepare(sql).get(...)` where it
 * reads best, and SQLite compiles each text once (compiling was the largest single cost of a
 * server boot). Least recently used texts are dropped past STATEMENT_CACHE_SIZE. A statement's
 * pluck/raw/expand modes are reset on every reuse, so one caller's mode never leaks to another.
 */
export function cachePreparedStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql);
      if (stmt.reader) stmt.pluck(false).expand(false).raw(false);
    } else {
      stmt = compile(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, stmt);
    return stmt;
  }) as Db['prepare'];
}

export function migrate(db: Db, migrations: Migration[], release: string): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, release TEXT NOT NULL, description TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const ran: number[] = [];
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  for (const m of ordered) {
    if (applied.has(m.version) || compareReleases(m.release, release) > 0) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, release, description, applied_at) VALUES (?, ?, ?, ?)').run(
        m.version, m.release, m.description, new Date().toISOString(),
      );
    })();
    ran.push(m.version);
  }
  return ran;
}

export function appliedMigrations(db: Db): { version: number; release: string }[] {
  return db.prepare('SELECT version, release FROM schema_migrations ORDER BY version').all() as {
    version: number;
    release: string;
  }[];
}
