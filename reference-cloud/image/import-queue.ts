/**
 * The in-process work queue of the interoperable import: an accepted glance-direct import is
 * recorded in import_jobs before the 202, runs after the configured delay (`delays.image_import`)
 * and is resumed from the table after a restart.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { isoSeconds } from '../core/time';
import type { DataStore } from './data-store';
import { virtualSize } from './data-store';
import type { ImageRepo } from './models/images';
import { props } from './models/images';

export class ImportQueue {
  private timers = new Set<NodeJS.Timeout>();
  private running = new Set<string>();
  private closed = false;
  private readonly repo: ImageRepo;
  private readonly data: DataStore;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly delayMs: number;

  constructor(repo: ImageRepo, data: DataStore, clock: Clock, log: Logger, delayMs: number) {
    this.repo = repo;
    this.data = data;
    this.clock = clock;
    this.log = log;
    this.delayMs = delayMs;
  }

  /** Schedules the import of an image whose job is already recorded. */
  schedule(imageId: string): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.run(imageId);
    }, this.delayMs);
    this.timers.add(t);
  }

  /** Resumes every job a previous process left behind. */
  resume(): void {
    for (const job of this.repo.pendingImports()) this.schedule(job.image_id);
  }

  private async run(imageId: string): Promise<void> {
    if (this.running.has(imageId)) return;
    this.running.add(imageId);
    const repo = this.repo;
    try {
      const img = repo.find(imageId);
      if (!img || !this.data.has('staging', imageId)) {
        repo.store.tx(() => repo.finishImport(imageId));
        return;
      }
      repo.store.tx(() => repo.update(imageId, { status: 'importing' }));
      const got = await this.data.promote(imageId);
      repo.store.tx(() => {
        const now = repo.find(imageId);
        repo.finishImport(imageId);
        if (!now || now.status !== 'importing') {
          this.data.remove('images', imageId);
          return;
        }
        const p = props(now);
        delete p.os_glance_import_task;
        p.os_glance_importing_to_stores = '';
        p.os_glance_failed_import = '';
        repo.update(imageId, {
          status: 'active', size: got.size, virtual_size: virtualSize(now.disk_format, got.head, got.size),
          checksum: got.md5, os_hash_algo: 'sha512', os_hash_value: got.sha512, stored: 1, staged_size: null,
          properties: JSON.stringify(p), updated_at: isoSeconds(this.clock.now()),
        });
      });
    } catch (err) {
      if (this.closed) return;
      this.log.error({ err, imageId }, 'image import failed');
      repo.store.tx(() => {
        repo.finishImport(imageId);
        const now = repo.find(imageId);
        if (!now) return;
        const p = props(now);
        delete p.os_glance_import_task;
        p.os_glance_importing_to_stores = '';
        p.os_glance_failed_import = 'file';
        repo.update(imageId, { status: 'queued', staged_size: null, size: null, properties: JSON.stringify(p) });
      });
      this.data.remove('staging', imageId);
    } finally {
      this.running.delete(imageId);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
