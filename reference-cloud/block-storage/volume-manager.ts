/**
 * The simulated cinder-volume service: the jobs the API leaves on the durable queue, each taking
 * a volume or snapshot from its transitional status to the next one after the configured delay
 * (`delays.<kind>`). Every handler checks the status it acts on first (a job may run twice after
 * a crash, or find its volume reset or deleted meanwhile).
 */
import { randomUUID } from 'node:crypto';
import type { BlockStorageApi, VolumeRow } from './context';
import { setGlanceMetadata, snapshotGlanceMetadata, glanceMetadata, type SnapshotRow } from './models/volumes';
import { emptyQcow2 } from './models/qcow2';

export const JOBS = {
  create: 'volume_create',
  download: 'volume_download',
  delete: 'volume_delete',
  extend: 'volume_extend',
  retype: 'volume_retype',
  upload: 'volume_upload',
  snapshotCreate: 'snapshot_create',
  snapshotDelete: 'snapshot_delete',
} as const;

export interface CreatePayload {
  /** Image properties to record as volume_image_metadata (from an image). */
  image?: Record<string, string>;
}
export interface RetypePayload { typeId: string; host: string | null }
export interface UploadPayload { imageId: string; diskFormat: string; status: string }

function volume(api: BlockStorageApi, id: string): VolumeRow | undefined {
  return api.store.db.prepare('SELECT * FROM volumes WHERE id = ?').get(id) as VolumeRow | undefined;
}

function setStatus(api: BlockStorageApi, id: string, from: string, to: string, extra: Record<string, unknown> = {}): boolean {
  const sets = ['status = @to', 'updated_at = @now', ...Object.keys(extra).map((k) => `${k} = @${k}`)];
  return api.store.db.prepare(`UPDATE volumes SET ${sets.join(', ')} WHERE id = @id AND status = @from`).run({ ...extra, id, from, to, now: api.now() }).changes > 0;
}

export function registerVolumeWork(api: BlockStorageApi): void {
  const q = api.queue;
  q.on<CreatePayload>(JOBS.create, (job) => {
    api.store.tx(() => {
      const v = volume(api, job.key);
      if (!v || v.status !== 'creating') return;
      if (!v.host) {
        setStatus(api, v.id, 'creating', 'error');
        return;
      }
      if (job.payload.image) {
        setStatus(api, v.id, 'creating', 'downloading');
        api.queue.enqueue(JOBS.download, v.id, job.payload as unknown as Record<string, unknown>);
        return;
      }
      // From a snapshot or another volume: bootable and the image metadata come along.
      const source = v.snapshot_id
        ? { meta: snapshotGlanceMetadata(api.store.db, v.snapshot_id), bootable: (api.store.db.prepare('SELECT v.bootable AS b FROM snapshots s JOIN volumes v ON v.id = s.volume_id WHERE s.id = ?').get(v.snapshot_id) as { b: number } | undefined)?.b ?? 0 }
        : v.source_volid
          ? { meta: glanceMetadata(api.store.db, v.source_volid), bootable: volume(api, v.source_volid)?.bootable ?? 0 }
          : undefined;
      if (source) setGlanceMetadata(api.store.db, { volumeId: v.id }, source.meta);
      setStatus(api, v.id, 'creating', 'available', { launched_at: api.now(), bootable: source?.bootable ?? v.bootable });
    });
  }, { delayMs: api.delay(JOBS.create) });

  q.on<CreatePayload>(JOBS.download, (job) => {
    api.store.tx(() => {
      const v = volume(api, job.key);
      if (!v || v.status !== 'downloading') return;
      setGlanceMetadata(api.store.db, { volumeId: v.id }, job.payload.image ?? {});
      setStatus(api, v.id, 'downloading', 'available', { launched_at: api.now(), bootable: 1 });
    });
  }, { delayMs: api.delay(JOBS.download) });

  q.on(JOBS.delete, (job) => {
    api.store.tx(() => {
      const v = volume(api, job.key);
      if (!v || v.status !== 'deleting') return;
      const db = api.store.db;
      db.prepare('DELETE FROM volume_glance_metadata WHERE snapshot_id IN (SELECT id FROM snapshots WHERE volume_id = ?)').run(v.id);
      db.prepare('DELETE FROM snapshots WHERE volume_id = ?').run(v.id);
      db.prepare('DELETE FROM volumes WHERE id = ?').run(v.id);
    });
  }, { delayMs: api.delay(JOBS.delete) });

  q.on(JOBS.extend, (job) => {
    api.store.tx(() => {
      const v = volume(api, job.key);
      if (!v || v.status !== 'extending') return;
      const p = job.payload as { attached?: boolean; fits?: boolean };
      // No room on the backend for the growth: the driver fails, as a real one would.
      if (p.fits === false) setStatus(api, v.id, 'extending', 'error_extending');
      else setStatus(api, v.id, 'extending', p.attached ? 'in-use' : 'available');
    });
  }, { delayMs: api.delay(JOBS.extend) });

  q.on<RetypePayload>(JOBS.retype, (job) => {
    api.store.tx(() => {
      const v = volume(api, job.key);
      if (!v || v.status !== 'retyping') return;
      const back = v.attach_status === 'attached' ? 'in-use' : 'available';
      setStatus(api, v.id, 'retyping', back);
    });
  }, { delayMs: api.delay(JOBS.retype) });

  q.on<UploadPayload>(JOBS.upload, async (job) => {
    const v = volume(api, job.key);
    if (!v || v.status !== 'uploading') return;
    const back = job.payload.status;
    try {
      const data = job.payload.diskFormat === 'qcow2' ? emptyQcow2(v.size * 1024 ** 3) : Buffer.from(`stackproof volume ${v.id} (${v.size} GiB) uploaded at ${api.now()}\n`);
      const r = await api.peers.call('image', 'PUT', `/v2/images/${job.payload.imageId}/file`, { rawBody: data, headers: { 'Content-Type': 'application/octet-stream' } });
      if (r.status >= 400) throw new Error(`image upload answered ${r.status}`);
    } catch (err) {
      api.log.warn({ err, volume: v.id, image: job.payload.imageId }, 'volume upload to image failed; the image is deleted');
      try {
        await api.peers.call('image', 'DELETE', `/v2/images/${job.payload.imageId}`);
      } catch {
        // the image stays queued
      }
    }
    api.store.tx(() => setStatus(api, v.id, 'uploading', back));
  }, { delayMs: api.delay(JOBS.upload) });

  q.on(JOBS.snapshotCreate, (job) => {
    api.store.tx(() => {
      const s = api.store.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(job.key) as SnapshotRow | undefined;
      if (!s || s.status !== 'creating') return;
      setGlanceMetadata(api.store.db, { snapshotId: s.id }, glanceMetadata(api.store.db, s.volume_id));
      api.store.db.prepare("UPDATE snapshots SET status = 'available', progress = '100%', updated_at = ? WHERE id = ?").run(api.now(), s.id);
    });
  }, { delayMs: api.delay(JOBS.snapshotCreate) });

  q.on(JOBS.snapshotDelete, (job) => {
    api.store.tx(() => {
      const s = api.store.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(job.key) as SnapshotRow | undefined;
      if (!s || s.status !== 'deleting') return;
      api.store.db.prepare('DELETE FROM volume_glance_metadata WHERE snapshot_id = ?').run(s.id);
      api.store.db.prepare('DELETE FROM snapshots WHERE id = ?').run(s.id);
    });
  }, { delayMs: api.delay(JOBS.snapshotDelete) });
}

/** A new volume id (uuid4), as Cinder makes them. */
export const newId = (): string => randomUUID();
