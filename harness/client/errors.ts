/** Typed client errors; each message is one readable sentence. */
import type { Exchange } from './exchange';

/** The request never got an HTTP answer (refused, reset, TLS, timeout). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly method: string,
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`${method} ${url} failed before any answer: ${describeCause(cause)}`);
  }
}

/** Keystone did not issue a token. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
  }
}

/** The catalog has no endpoint for what was asked. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

/** A version document could not be found or read. */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
  constructor(
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    const inner = (cause as { cause?: unknown }).cause;
    const innerMsg = inner instanceof Error ? ` (${inner.message})` : '';
    return `${code ? `${code} ` : ''}${cause.message}${innerMsg}`;
  }
  return String(cause);
}
