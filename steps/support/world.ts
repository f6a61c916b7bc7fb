/**
 * The World of one scenario: who is acting (persona), the scenario's variables, the last
 * exchange, and the resources it created (ledgered before each create request, deleted after
 * the scenario). Every exchange becomes an Allure step with the request and response
 * attached, secrets redacted.
 */
import { World, setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import * as allure from 'allure-js-commons';
import { Session, describeRequest, type Exchange } from '../../harness/client';
import { redactExchange } from '../../harness/report/redact';
import { recorderSlot, workerContext, type WorkerContext } from './worker-context';

export interface SendOptions {
  service: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Send no token at all. */
  anonymous?: boolean;
  /** Binary body (image data); sent as application/octet-stream unless headers say otherwise. */
  data?: Uint8Array;
}

/**
 * Requests that change or act on something rather than create it: Nova/Cinder actions, Glance
 * data, staging, import and state actions, Neutron router interface and extra-route updates.
 */
const NOT_A_CREATE = /\/(action|password|file|stage|import|actions\/[\w-]+|(?:add|remove)_router_interface|(?:add|remove)_extraroutes)$/;

/**
 * A PUT with a JSON body updates an existing resource (PUT /v2.0/networks/{id}), which the
 * scenario must not delete afterwards; except where DELETE at the same path is the undo: a
 * project's quotas and a tag list. A PUT with no body creates a relation at its path (a role
 * grant, a tag), and Swift's PUT creates containers and objects.
 */
const PUT_SETS = /\/(?:quotas|os-quota-sets)\/[^/]+$|\/tags(?:\/[^/]+)?$/;

/**
 * The id of what a POST created: `{"<wrapper>": {"id"}}` (most services; Nova's aggregates have
 * integer ids), `{"id"}` (Glance), `{"member_id"}` (a Glance image member, deleted at
 * .../members/<member_id>), a Nova keypair (named, deleted at /os-keypairs/<name>) or a
 * one-item batch such as Keystone's `{"limits": [{"id"}]}`.
 */
function createdId(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const top = json as Record<string, unknown>;
  const idOf = (x: unknown): string | undefined =>
    typeof x === 'string' ? x : typeof x === 'number' && Number.isInteger(x) ? String(x) : undefined;
  const own = idOf(top.id) ?? idOf(top.member_id);
  if (own) return own;
  const [wrapper, value] = Object.entries(top)[0] ?? [];
  let first = value as Record<string, unknown> | unknown[] | undefined;
  if (Array.isArray(first)) first = first.length === 1 ? (first[0] as Record<string, unknown>) : undefined;
  if (!first || typeof first !== 'object' || Array.isArray(first)) return undefined;
  return idOf(first.id) ?? (wrapper === 'keypair' ? idOf(first.name) : undefined);
}

/** The name in a create body: `{"<wrapper>": {"name"}}`, or `{"name"}` at the top (Glance). */
function createdName(parsed: unknown): string {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return '';
  const top = parsed as Record<string, unknown>;
  if (typeof top.name === 'string') return top.name;
  const first = Object.values(top)[0] as { name?: unknown } | undefined;
  return first && typeof first === 'object' && typeof first.name === 'string' ? first.name : '';
}

export class StackproofWorld extends World {
  persona = 'admin';
  vars: Record<string, string> = {};
  last?: Exchange;
  /** The bytes of the last binary upload, to compare downloads with. */
  uploaded?: Buffer;
  /** Ledger entry ids this scenario created, oldest first. */
  created: { entryId: string; deletePath?: string }[] = [];
  private sessions = new Map<string, Session>();

  constructor(options: IWorldOptions) {
    super(options);
  }

  get ctx(): WorkerContext {
    return workerContext();
  }

  /** Replaces {name} with the scenario's or the worker's variables. Unknown names are an error. */
  expand(text: string): string {
    return text.replace(/\{([a-zA-Z_][\w.]*)\}/g, (_, name: string) => {
      const v = this.vars[name] ?? this.ctx.vars[name];
      if (v === undefined) throw new Error(`the step uses {${name}}, which no earlier step set`);
      return v;
    });
  }

  session(persona = this.persona): Session {
    if (persona === 'admin') return this.ctx.admin;
    let s = this.sessions.get(persona);
    if (!s) {
      const p = this.ctx.personas.get(persona);
      if (!p) throw new Error(`no "${persona}" credentials: the worker could not provision them (does the target give admin rights?)`);
      s = new Session(p.target, { recorder: (ex) => recorderSlot.recorder?.(ex) });
      this.sessions.set(persona, s);
    }
    return s;
  }

  async send(o: SendOptions): Promise<Exchange> {
    const path = this.expand(o.path);
    const body = o.body === undefined ? undefined : this.expand(o.body);
    const session = o.anonymous ? this.ctx.admin : this.session();
    const method = o.method.toUpperCase();
    const entry = o.data ? undefined : this.intendCreate(o.service, method, path, body);
    const ex = await session.request({
      service: o.service,
      method,
      path,
      ...(o.data !== undefined
        ? { body: o.data, headers: { 'Content-Type': 'application/octet-stream', ...(o.headers ?? {}) } }
        : body !== undefined ? { body, headers: { 'Content-Type': 'application/json', ...(o.headers ?? {}) } } : { headers: o.headers }),
      ...(o.anonymous ? { auth: false } : {}),
    });
    this.last = ex;
    this.settleCreate(entry, method, path, ex);
    return ex;
  }

  /**
   * Writes the ledger intent before a request that may create something: a POST to a
   * collection (deleted later at <collection>/<id>) or a PUT of a sub-resource such as a
   * role grant (deleted later at the same path).
   */
  private intendCreate(service: string, method: string, path: string, body?: string): string | undefined {
    if (service === 'identity' && /\/auth\/tokens/.test(path)) return undefined;
    if (method !== 'POST' && method !== 'PUT') return undefined;
    if (NOT_A_CREATE.test(path.split('?')[0])) return undefined;
    if (method === 'PUT' && body !== undefined && service !== 'object-store' && !PUT_SETS.test(path.split('?')[0])) return undefined;
    let name = '';
    try {
      name = createdName(body ? JSON.parse(body) : {});
    } catch {
      name = '';
    }
    const bare = path.split('?')[0];
    const kind = bare.split('/').filter(Boolean).slice(-1)[0] ?? 'resource';
    return this.ctx.ledger.intend({
      runId: this.ctx.runId, worker: this.ctx.worker, service, kind, name,
      deletePath: method === 'PUT' ? bare : `${bare}/{id}`,
      ...(method === 'POST' && name ? { findPath: `${bare}?name=${encodeURIComponent(name)}` } : {}),
    });
  }

  private settleCreate(entryId: string | undefined, method: string, path: string, ex: Exchange): void {
    const bare = path.split('?')[0];
    if (method === 'DELETE' && ex.response.status < 300) {
      for (const c of this.created.filter((c) => c.deletePath === bare)) this.ctx.ledger.deleted(c.entryId);
      this.created = this.created.filter((c) => c.deletePath !== bare);
      return;
    }
    if (!entryId) return;
    const ok = ex.response.status >= 200 && ex.response.status < 300;
    const json = ex.response.json as Record<string, { id?: string }> | undefined;
    const id = method === 'POST' ? createdId(json) : bare;
    if (!ok || !id) {
      this.ctx.ledger.deleted(entryId, 'gone');
      return;
    }
    const deletePath = method === 'PUT' ? bare : `${bare}/${id}`;
    this.ctx.ledger.created(entryId, { id, deletePath });
    this.created.push({ entryId, deletePath });
  }

  json(): unknown {
    if (!this.last) throw new Error('no request has been sent yet');
    return this.last.response.json;
  }

  async closeSessions(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
    this.sessions.clear();
  }
}

/** Attaches each exchange to the Allure report as a step (redacted). */
export async function reportExchange(ex: Exchange): Promise<void> {
  const safe = redactExchange(ex);
  const title = `${describeRequest(safe)} → ${safe.response.status}`;
  await allure.step(title, async () => {
    const req = [`${safe.request.method} ${safe.request.url}`, ...Object.entries(safe.request.headers).map(([k, v]) => `${k}: ${v}`), '', safe.request.body ?? ''].join('\n');
    const res = [`HTTP ${safe.response.status} (${safe.durationMs.toFixed(1)} ms)`, ...Object.entries(safe.response.headers).map(([k, v]) => `${k}: ${v}`), '', safe.response.text].join('\n');
    await allure.attachment('request', req, 'text/plain');
    await allure.attachment('response', res, 'text/plain');
  });
}

setWorldConstructor(StackproofWorld);
