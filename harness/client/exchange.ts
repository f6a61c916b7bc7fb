/** One HTTP request and its response, as sent and received (before any redaction). */
export interface Exchange {
  request: {
    method: string;
    url: string;
    /** Header names lower-cased. */
    headers: Record<string, string>;
    /** The body as sent; a binary body is described as `<N bytes>` instead. */
    body?: string;
  };
  response: {
    status: number;
    /** Header names lower-cased; repeated headers joined with ', '. */
    headers: Record<string, string>;
    text: string;
    /** The parsed body when it is JSON. */
    json?: unknown;
    /**
     * The body's bytes, kept when its content type is absent or not text (JSON, text/*, HTML,
     * XML): image data, for instance. `text` then says `<N bytes of <content type>>` instead.
     */
    bytes?: Buffer;
  };
  durationMs: number;
}

export type Recorder = (ex: Exchange) => void | Promise<void>;

/** `GET /v3/projects?name=x` — method and the URL's path and query. */
export function describeRequest(ex: Pick<Exchange, 'request'>): string {
  let where = ex.request.url;
  try {
    const u = new URL(ex.request.url);
    where = `${u.pathname}${u.search}`;
  } catch {
    /* keep the raw url */
  }
  return `${ex.request.method} ${where}`;
}
