/**
 * Where the simulated cinder-backup writes a backup, as Cinder's chunked backup drivers lay it
 * out (cinder/backup/chunkeddriver.py, drivers/swift.py, drivers/posix.py): the volume's data in
 * objects of backup_swift_object_size bytes (zlib-compressed), named
 * `volume_<volume>/<YYYYmmddHHMMSS>/az_<zone>_backup_<backup>-00001`..., and a
 * `..._metadata` object (JSON) listing them with their md5, offset and length.
 *
 * Two stores: the object store over HTTP (swift driver: the owner's account, with the user's
 * token, container `volumebackups` by default) when the cloud has one, else files below the
 * block-storage store directory (posix driver; container `<id[0:2]>/<id[2:4]>/<id>` by default).
 * A simulated volume holds zeros; each chunk's compressed bytes are computed once per length.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync, existsSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { BlockStorageApi } from './context';

export const CHUNK_SIZE = 52_428_800;
export const DEFAULT_SWIFT_CONTAINER = 'volumebackups';
const GIB = 1024 ** 3;

export type DriverName = 'swift' | 'posix';

/** A place objects go: put, get (undefined when missing) and delete (missing is fine). */
export interface BackupStore {
  driver: DriverName;
  container: string;
  ensureContainer(): Promise<void>;
  put(name: string, data: Buffer): Promise<void>;
  get(name: string): Promise<Buffer | undefined>;
  delete(name: string): Promise<void>;
}

class SwiftStore implements BackupStore {
  readonly driver = 'swift' as const;
  readonly container: string;
  private readonly api: BlockStorageApi;
  private readonly token: string;
  private readonly project: string;

  constructor(api: BlockStorageApi, token: string, project: string, container: string) {
    this.api = api;
    this.token = token;
    this.project = project;
    this.container = container;
  }

  private path(name?: string): string {
    const c = `/${encodeURIComponent(this.container)}`;
    return name === undefined ? c : `${c}/${name.split('/').map(encodeURIComponent).join('/')}`;
  }

  async ensureContainer(): Promise<void> {
    const r = await this.api.peers.call('object-store', 'PUT', this.path(), { token: this.token, project: this.project });
    if (r.status >= 300) throw new Error(`Connection to swift failed: container ${this.container}: status ${r.status}`);
  }

  async put(name: string, data: Buffer): Promise<void> {
    const r = await this.api.peers.call('object-store', 'PUT', this.path(name), {
      token: this.token, project: this.project, rawBody: data,
      headers: { 'Content-Type': 'application/octet-stream', ETag: createHash('md5').update(data).digest('hex') },
    });
    if (r.status >= 300) throw new Error(`Connection to swift failed: PUT ${name}: status ${r.status}`);
  }

  async get(name: string): Promise<Buffer | undefined> {
    const r = await this.api.peers.call<unknown>('object-store', 'GET', this.path(name), { token: this.token, project: this.project, headers: { Accept: '*/*' } });
    if (r.status === 404) return undefined;
    if (r.status >= 300) throw new Error(`Connection to swift failed: GET ${name}: status ${r.status}`);
    return typeof r.body === 'string' ? Buffer.from(r.body, 'latin1') : Buffer.from(JSON.stringify(r.body ?? ''));
  }

  async delete(name: string): Promise<void> {
    const r = await this.api.peers.call('object-store', 'DELETE', this.path(name), { token: this.token, project: this.project });
    if (r.status >= 300 && r.status !== 404) throw new Error(`Connection to swift failed: DELETE ${name}: status ${r.status}`);
  }
}

/** A container name as one safe directory name (no traversal: every byte outside [A-Za-z0-9_-] is escaped). */
const safeSegment = (s: string): string => `c_${Buffer.from(s, 'utf8').toString('hex')}`;

class PosixStore implements BackupStore {
  readonly driver = 'posix' as const;
  readonly container: string;
  private readonly root: string;

  constructor(api: BlockStorageApi, container: string) {
    this.container = container;
    this.root = join(api.store.dir, 'backups', safeSegment(container));
  }

  private file(name: string): string {
    // Object names are generated here (volume_<uuid>/<timestamp>/az_..._backup_<uuid>-NNNNN): one escaped file each.
    return join(this.root, safeSegment(name));
  }

  async ensureContainer(): Promise<void> {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  async put(name: string, data: Buffer): Promise<void> {
    const path = this.file(name);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }

  async get(name: string): Promise<Buffer | undefined> {
    const path = this.file(name);
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  async delete(name: string): Promise<void> {
    rmSync(this.file(name), { force: true });
  }
}

/** The default container of a driver (swift: volumebackups; posix: <id[0:2]>/<id[2:4]>/<id>). */
export function defaultContainer(driver: DriverName, backupId: string): string {
  return driver === 'swift' ? DEFAULT_SWIFT_CONTAINER : `${backupId.slice(0, 2)}/${backupId.slice(2, 4)}/${backupId}`;
}

/** The store for a backup: the object store when the cloud has one, else local files. */
export async function backupDriver(api: BlockStorageApi): Promise<DriverName> {
  return (await api.peers.has('object-store')) ? 'swift' : 'posix';
}

export function openBackupStore(api: BlockStorageApi, driver: DriverName, container: string, token: string, project: string): BackupStore {
  return driver === 'swift' ? new SwiftStore(api, token, project, container) : new PosixStore(api, container);
}

/** The objects' common prefix: volume_<volume>/<timestamp>/az_<zone>_backup_<backup>. */
export function objectPrefix(volumeId: string, backupId: string, zone: string, at: Date): string {
  const ts = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `volume_${volumeId}/${ts}/az_${zone}_backup_${backupId}`;
}

const chunkCache = new Map<number, { compressed: Buffer; md5: string }>();
function zeroChunk(length: number): { compressed: Buffer; md5: string } {
  let c = chunkCache.get(length);
  if (!c) {
    const data = Buffer.alloc(length);
    c = { compressed: deflateSync(data), md5: createHash('md5').update(data).digest('hex') };
    chunkCache.set(length, c);
  }
  return c;
}

export interface BackupMetadata {
  version: string;
  backup_id: string;
  volume_id: string;
  backup_name: string | null;
  backup_description: string | null;
  created_at: string;
  objects: Record<string, { compression: string; length: number; md5: string; offset: number }>[];
  parent_id: string | null;
  volume_meta: string;
}

/** Writes a volume of `sizeGb` GiB (zeros) as chunk objects and the metadata object; answers the object count. */
export async function writeBackup(store: BackupStore, prefix: string, meta: Omit<BackupMetadata, 'objects' | 'version' | 'volume_meta'>, sizeGb: number): Promise<number> {
  await store.ensureContainer();
  const total = sizeGb * GIB;
  const objects: BackupMetadata['objects'] = [];
  let n = 0;
  for (let offset = 0; offset < total; offset += CHUNK_SIZE) {
    n += 1;
    const length = Math.min(CHUNK_SIZE, total - offset);
    const chunk = zeroChunk(length);
    const name = `${prefix}-${String(n).padStart(5, '0')}`;
    await store.put(name, chunk.compressed);
    objects.push({ [name]: { compression: 'zlib', length, md5: chunk.md5, offset } });
  }
  const metadata: BackupMetadata = {
    version: '1.0.0', ...meta, objects, volume_meta: JSON.stringify({ version: 2, 'volume-base-metadata': {}, 'volume-metadata': {}, 'volume-glance-metadata': {} }),
  };
  await store.put(`${prefix}_metadata`, Buffer.from(JSON.stringify(metadata, null, 2)));
  return n;
}

/** Reads and checks a backup's objects (every chunk present); answers its metadata. */
export async function readBackup(store: BackupStore, prefix: string): Promise<BackupMetadata> {
  const raw = await store.get(`${prefix}_metadata`);
  if (!raw) throw new Error(`Backup metadata ${prefix}_metadata is missing from container ${store.container}.`);
  const meta = JSON.parse(raw.toString('utf8')) as BackupMetadata;
  for (const entry of meta.objects) {
    for (const name of Object.keys(entry)) {
      if (!(await store.get(name))) throw new Error(`Backup object ${name} is missing from container ${store.container}.`);
    }
  }
  return meta;
}

/** Deletes a backup's objects (those its metadata lists, then the metadata). */
export async function deleteBackupObjects(store: BackupStore, prefix: string): Promise<void> {
  const raw = await store.get(`${prefix}_metadata`);
  if (raw) {
    const meta = JSON.parse(raw.toString('utf8')) as BackupMetadata;
    for (const entry of meta.objects) for (const name of Object.keys(entry)) await store.delete(name);
  }
  await store.delete(`${prefix}_metadata`);
}
