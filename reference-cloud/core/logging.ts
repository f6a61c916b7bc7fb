/**
 * Structured logs (pino). Request logs carry the request id, method, path, status and time;
 * never a header, a body, a token or a password. Query strings keep their keys but secret
 * values (temp URL signatures, tokens) are masked.
 */
import pino, { type Logger } from 'pino';

const SECRET_QUERY = /^(temp_url_sig|token|password|secret|sig|signature|x-auth-token)$/i;

export function createLogger(level: string, file?: string): Logger {
  const destination = file ? pino.destination({ dest: file, mkdir: true, sync: false }) : pino.destination(2);
  return pino(
    {
      level,
      base: { service: 'stackproof' },
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'secret', '*.secret', 'headers', '*.headers'],
        censor: '***',
      },
    },
    destination,
  );
}

/** Masks secret-looking query parameter values in a URL path. */
export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const key of [...params.keys()]) {
    if (SECRET_QUERY.test(key)) {
      params.set(key, '***');
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}
