/**
 * Typed API errors. Every error that reaches a client is an ApiError; the service's
 * envelope (see envelopes.ts) renders it in that service's own wire format.
 */
export interface ApiErrorOptions {
  /** Exception class name as the real service names it (Neutron `type`, Heat `error.type`). */
  type?: string;
  /** Overrides the standard HTTP title (Keystone `title`, Glance `title`). */
  title?: string;
  /** Extra response headers (e.g. WWW-Authenticate, Accept-Patch, Retry-After). */
  headers?: Record<string, string>;
  /** Longer explanation where the envelope has room for one (Neutron `detail`). */
  detail?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type?: string;
  readonly title?: string;
  readonly headers: Record<string, string>;
  readonly detail?: string;

  constructor(status: number, message: string, options: ApiErrorOptions = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = options.type;
    this.title = options.title;
    this.headers = options.headers ?? {};
    this.detail = options.detail;
  }
}

export const HTTP_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return HTTP_TITLES[status] ?? 'Error';
}

/** The 401 every OpenStack service answers for a missing, invalid or refused credential. */
export const authenticationRequired = () => new ApiError(401, 'The request you have made requires authentication.');

export const badRequest = (message: string, o?: ApiErrorOptions) => new ApiError(400, message, o);
export const unauthorized = (message: string, o?: ApiErrorOptions) => new ApiError(401, message, o);
export const forbidden = (message: string, o?: ApiErrorOptions) => new ApiError(403, message, o);
export const notFound = (message: string, o?: ApiErrorOptions) => new ApiError(404, message, o);
export const conflict = (message: string, o?: ApiErrorOptions) => new ApiError(409, message, o);
export const tooLarge = (message: string, o?: ApiErrorOptions) => new ApiError(413, message, o);

/** Turns anything thrown into an ApiError; unknown errors become a 500 that says nothing internal. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string };
  // Errors raised by fastify itself while reading the request (body too large, bad content type...).
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    switch (e.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new ApiError(413, 'Request Entity Too Large: the request body is larger than the server accepts.');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new ApiError(415, 'Unsupported Content-Type.');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return new ApiError(400, 'Malformed JSON in request body.');
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return new ApiError(400, 'Content-Length does not match the request body.');
      default:
        return new ApiError(e.statusCode, e.message ?? titleFor(e.statusCode));
    }
  }
  return new ApiError(500, 'An unexpected error prevented the server from fulfilling your request.');
}
