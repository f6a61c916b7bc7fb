/**
 * The object expirer (swift-object-expirer): objects past their X-Delete-At are 404 at once
 * (the store hides them), and this sweep removes them from listings and counters, at start and
 * every `expirer_interval_ms` (0: only at start).
 */
import type { Logger } from 'pino';
import type { ObjectStore } from './store';

export class Expirer {
  private readonly objects: ObjectStore;
  private readonly intervalMs: number;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;

  constructor(objects: ObjectStore, intervalMs: number, log: Logger) {
    this.objects = objects;
    this.intervalMs = intervalMs;
    this.log = log;
  }

  /** One pass: answers how many expired objects were removed. */
  sweep(): number {
    try {
      const n = this.objects.sweepExpired();
      if (n) this.log.info({ removed: n }, 'object expirer: removed expired objects');
      return n;
    } catch (e) {
      this.log.error({ err: e }, 'object expirer: sweep failed');
      return 0;
    }
  }

  start(): void {
    this.sweep();
    if (this.intervalMs > 0 && !this.timer) {
      this.timer = setInterval(() => this.sweep(), this.intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
