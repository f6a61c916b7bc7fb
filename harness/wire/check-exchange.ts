/**
 * Checks one exchange on the wire: status, headers, empty 204, request id, JSON Schema.
 * A mismatch throws WireMismatch whose message is one readable sentence.
 */
import { describeRequest, type Exchange } from '../client/exchange';
import { defaultSchemaRegistry, describeSchemaErrors, type SchemaRegistry } from './schema-registry';

export type HeaderExpectation = string | RegExp | true | false;

export interface WireExpectation {
  status?: number | number[];
  /** Per header (case-insensitive): exact value, pattern, true = present, false = absent. */
  headers?: Record<string, HeaderExpectation>;
  /** $id of the JSON Schema the body must match. */
  schema?: string;
  /** The body must be empty. */
  noBody?: boolean;
  /** Require X-Openstack-Request-Id (default true; `headers` can also say otherwise). */
  requestId?: boolean;
}

export interface CheckOptions {
  registry?: SchemaRegistry;
}

export type MismatchKind = 'status' | 'header' | 'body' | 'schema';

export class WireMismatch extends Error {
  override readonly name = 'WireMismatch';
  constructor(
    message: string,
    readonly kind: MismatchKind,
    readonly exchange: Exchange,
  ) {
    super(message);
  }
}

const REQUEST_ID = 'x-openstack-request-id';

function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}… (first ${max} chars)` : flat;
}

function listStatuses(s: number[]): string {
  if (s.length === 1) return String(s[0]);
  return `${s.slice(0, -1).join(', ')} or ${s[s.length - 1]}`;
}

function describeExpectation(e: HeaderExpectation): string {
  if (e instanceof RegExp) return `to match ${e}`;
  return JSON.stringify(e);
}

function checkHeader(ex: Exchange, name: string, expectation: HeaderExpectation, what: string): void {
  const key = name.toLowerCase();
  const hit = Object.keys(ex.response.headers).find((k) => k.toLowerCase() === key);
  const value = hit === undefined ? undefined : ex.response.headers[hit];
  const fail = (msg: string) => {
    throw new WireMismatch(`${what} ${msg}`, 'header', ex);
  };
  if (expectation === false) {
    if (value !== undefined) fail(`carries header ${name} (${JSON.stringify(value)}), which it should not`);
    return;
  }
  if (value === undefined) {
    fail(`answered ${ex.response.status} without header ${name}`);
    return;
  }
  if (expectation === true) return;
  const ok = expectation instanceof RegExp ? expectation.test(value) : value === expectation;
  if (!ok) fail(`header ${name} is ${JSON.stringify(value)}, expected ${describeExpectation(expectation)}`);
}

/** Throws WireMismatch on the first difference; returns the parsed body (if JSON) otherwise. */
export function checkExchange(ex: Exchange, expect: WireExpectation = {}, opts: CheckOptions = {}): unknown {
  const what = describeRequest(ex);
  const { status, text } = ex.response;

  if (expect.status !== undefined) {
    const wanted = Array.isArray(expect.status) ? expect.status : [expect.status];
    if (!wanted.includes(status)) {
      const body = text.trim() === '' ? '(empty body)' : excerpt(text);
      throw new WireMismatch(`${what} answered ${status}, expected ${listStatuses(wanted)}: ${body}`, 'status', ex);
    }
  }

  if (status === 204 && text !== '') {
    throw new WireMismatch(`${what} answered 204 with a body, but a 204 must be empty: ${excerpt(text)}`, 'body', ex);
  }
  if (expect.noBody && text !== '') {
    throw new WireMismatch(`${what} answered ${status} with a body where none was expected: ${excerpt(text)}`, 'body', ex);
  }

  const headerExpect = expect.headers ?? {};
  const mentionsRequestId = Object.keys(headerExpect).some((k) => k.toLowerCase() === REQUEST_ID);
  if (expect.requestId !== false && !mentionsRequestId) checkHeader(ex, 'X-Openstack-Request-Id', true, what);
  for (const [name, e] of Object.entries(headerExpect)) checkHeader(ex, name, e, what);

  if (expect.schema !== undefined) {
    const registry = opts.registry ?? defaultSchemaRegistry();
    const validator = registry.validator(expect.schema); // unknown $id: a test defect, not a mismatch
    let body = ex.response.json;
    if (body === undefined) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new WireMismatch(
          `${what} body is not JSON, so it cannot match schema ${expect.schema}: ${text.trim() === '' ? '(empty body)' : excerpt(text, 100)}`,
          'schema',
          ex,
        );
      }
    }
    if (!validator(body)) {
      throw new WireMismatch(
        `${what} body does not match schema ${expect.schema}: ${describeSchemaErrors(validator.errors ?? [])}`,
        'schema',
        ex,
      );
    }
    return body;
  }
  return ex.response.json;
}
