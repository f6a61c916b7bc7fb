/**
 * Bytes of uploads in flight, per account and per container, so that quotas hold under
 * concurrent uploads: a decision counts what the store has committed plus what other uploads
 * have already been allowed to send. One process, one event loop: no lock is needed.
 */
import { Transform, type TransformCallback } from 'node:stream';

export class QuotaLedger {
  private readonly inflight = new Map<string, number>();

  reserved(key: string): number {
    return this.inflight.get(key) ?? 0;
  }

  add(key: string, bytes: number): void {
    const v = (this.inflight.get(key) ?? 0) + bytes;
    if (v <= 0) this.inflight.delete(key);
    else this.inflight.set(key, v);
  }
}

export class QuotaExceeded extends Error {
  constructor() {
    super('Upload exceeds quota.');
  }
}

/**
 * A pass-through that counts the bytes of a body of unknown length, reserving them in the ledger
 * as they pass, and fails with QuotaExceeded the moment `allowed(total)` says no.
 */
export class CountingBody extends Transform {
  counted = 0;
  exceeded = false;
  private readonly ledger: QuotaLedger;
  private readonly key: string;
  private readonly allowed: (extra: number) => boolean;

  constructor(ledger: QuotaLedger, key: string, allowed: (extra: number) => boolean) {
    super();
    this.ledger = ledger;
    this.key = key;
    this.allowed = allowed;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.allowed(chunk.length)) {
      this.exceeded = true;
      cb(new QuotaExceeded());
      return;
    }
    this.counted += chunk.length;
    this.ledger.add(this.key, chunk.length);
    cb(null, chunk);
  }

  /** Gives back what this body reserved. */
  release(): void {
    this.ledger.add(this.key, -this.counted);
    this.counted = 0;
  }
}
