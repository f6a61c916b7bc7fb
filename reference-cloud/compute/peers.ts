/** Compute's peers client lives in core (block storage uses it too). */
export * from '../core/peers';
