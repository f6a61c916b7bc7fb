/** The cloud's clock. The control plane can advance it; everything time-dependent reads it. */
export interface Clock {
  now(): Date;
  /** Moves the clock forward by ms (tests of expiry without waiting). */
  advance(ms: number): void;
}

export function systemClock(): Clock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms: number) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock can only move forward');
      offset += ms;
    },
  };
}
