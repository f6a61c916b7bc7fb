/**
 * The interoperable import's worker: an accepted glance-direct import is a job in the image
 * service's work queue (core/work-queue.ts), recorded with the 202, run after the configured
 * delay (`delays.image_import`) and resumed after a restart.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { isoSeconds } from '../core/time';
import type { Job } from '../core/work-queue';
import type { DataStore } from './data-store';
import { virtualSize } from './data-store';
import type { ImageRepo } from './models/images';
import { props } from './models/images';

export const IMPORT_JOB = 'image-import';

/** Moves the staged data into the store and activates the image; on failure, back to queued. */
export function importWorker(repo: ImageRepo, data: DataStore, clock: Clock, log: Logger) {
  return async (job: Job): Promise<void> => {
    const imageId = job.key;
    try {
      const img = repo.find(imageId);
      if (!img || !data.has('staging', imageId)) return;
      repo.store.tx(() => repo.update(imageId, { status: 'importing' }));
      const got = await data.promote(imageId);
      repo.store.tx(() => {
        const now = repo.find(imageId);
        if (!now || now.status !== 'importing') {
          data.remove('images', imageId);
          return;
        }
        const p = props(now);
        delete p.os_glance_import_task;
        p.os_glance_importing_to_stores = '';
        p.os_glance_failed_import = '';
        repo.update(imageId, {
          status: 'active', size: got.size, virtual_size: virtualSize(now.disk_format, got.head, got.size),
          checksum: got.md5, os_hash_algo: 'sha512', os_hash_value: got.sha512, stored: 1, staged_size: null,
          properties: JSON.stringify(p), updated_at: isoSeconds(clock.now()),
        });
      });
    } catch (err) {
      log.error({ err, imageId }, 'image import failed');
      repo.store.tx(() => {
        const now = repo.find(imageId);
        if (!now) return;
        const p = props(now);
        delete p.os_glance_import_task;
        p.os_glance_importing_to_stores = '';
        p.os_glance_failed_import = 'file';
        repo.update(imageId, { status: 'queued', staged_size: null, size: null, properties: JSON.stringify(p) });
      });
      data.remove('staging', imageId);
    }
  };
}
