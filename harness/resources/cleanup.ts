/**
 * Deletes what a ledger says is outstanding, newest first. Never deletes anything that is not
 * in the ledger: an entry without a recorded id is deleted only when an exact-name lookup at
 * its recorded findPath finds exactly one match. What lives in a project's Swift account is
 * deleted with a token scoped to that project (swift-teardown.ts); a project whose account could
 * not be emptied is kept, so that the next cleanup can still reach it.
 */
import type { Exchange } from '../client/exchange';
import type { RequestOptions } from '../client/session';
import { appendRecord } from './ledger';
import { prepareNeutronDelete } from './neutron-teardown';
import { awaitServerGone, isServerPath } from './compute-teardown';
import { AccountScopes, canScope, describeAccountTeardown, isAccountEntry } from './swift-teardown';
import type { LedgerEntry } from './ledger-records';

/** The part of Session that cleanup uses (a fake in tests). */
export interface RequestingSession {
  request(opts: RequestOptions): Promise<Exchange>;
}

export interface CleanupOptions {
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Append 'deleted' records to each entry's ledger file (default true; never in a dry run). */
  record?: boolean;
}

export interface CleanupFailure {
  entry: LedgerEntry;
  reason: string;
}

export interface CleanupReport {
  deleted: LedgerEntry[];
  /** Already gone (404). */
  missing: LedgerEntry[];
  failed: CleanupFailure[];
  /** Not attempted: no id and no way to find it safely. */
  skipped: CleanupFailure[];
  /** Dry run only: what would have been deleted. */
  planned: LedgerEntry[];
}

const ID_PLACEHOLDER = '{id}';

function describe(e: LedgerEntry): string {
  return `${e.service} ${e.kind} '${e.name}'${e.id ? ` (${e.id})` : ''}`;
}

/** Collections in a list body: top-level arrays, or arrays under top-level keys. */
function listedItems(json: unknown): Record<string, unknown>[] {
  const items: unknown[] = [];
  if (Array.isArray(json)) items.push(...json);
  else if (typeof json === 'object' && json !== null) {
    for (const v of Object.values(json)) if (Array.isArray(v)) items.push(...v);
  }
  return items.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null);
}

type Resolution = { path: string; id?: string } | { skip: string } | { neverCreated: true };

/** Where to delete an entry, looking it up by exact name when the id never got recorded. */
async function resolveDeletePath(session: RequestingSession, e: LedgerEntry): Promise<Resolution> {
  const template = e.deletePath;
  if (e.id) {
    if (!template) return { skip: 'its delete path was never recorded' };
    return { path: template.split(ID_PLACEHOLDER).join(encodeURIComponent(e.id)), id: e.id };
  }
  if (template && !template.includes(ID_PLACEHOLDER)) return { path: template }; // name-addressed (e.g. an object)
  if (!e.findPath) return { skip: 'the create never reported an id and no findPath was recorded' };
  if (!template) return { skip: 'the create never reported an id and no delete path was recorded' };
  const ex = await session.request({ service: e.service, method: 'GET', path: e.findPath });
  if (ex.response.status !== 200) {
    return { skip: `looking it up by name (GET ${e.findPath}) answered ${ex.response.status}` };
  }
  const matches = listedItems(ex.response.json).filter((i) => i.name === e.name);
  if (matches.length === 0) return { neverCreated: true };
  if (matches.length > 1) return { skip: `${matches.length} resources are named '${e.name}'; none was deleted` };
  const id = matches[0]!.id;
  if (typeof id !== 'string' && typeof id !== 'number') return { skip: 'the resource found by name has no id' };
  return { path: template.split(ID_PLACEHOLDER).join(encodeURIComponent(String(id))), id: String(id) };
}

export async function cleanup(
  session: RequestingSession,
  entries: LedgerEntry[],
  opts: CleanupOptions = {},
): Promise<CleanupReport> {
  const log = opts.log ?? (() => {});
  const dryRun = opts.dryRun === true;
  const record = !dryRun && opts.record !== false;
  const report: CleanupReport = { deleted: [], missing: [], failed: [], skipped: [], planned: [] };
  const newestFirst = [...entries].sort((a, b) => b.order - a.order);
  /** Projects (raw and encoded ids) whose Swift account still holds something cleanup could not delete. */
  const unreachedAccounts = new Set<string>();
  const unreached = (projectId: string) => unreachedAccounts.add(projectId).add(encodeURIComponent(projectId));
  const settled = (e: LedgerEntry, how: 'deleted' | 'gone') => {
    if (record) appendRecord(e.file, { op: 'deleted', entryId: e.entryId, at: new Date().toISOString(), how });
  };

  const scopes = canScope(session) && !dryRun ? new AccountScopes(session, { record, log }) : undefined;
  try {
    for (const e of newestFirst) {
      if (isAccountEntry(e)) {
        if (dryRun) {
          report.planned.push(e);
          log(`would ${describeAccountTeardown(e)} (${describe(e)})`);
          continue;
        }
        if (!scopes) {
          const reason = 'cleanup was given no credentials to take a project-scoped token with';
          report.skipped.push({ entry: e, reason });
          unreached(e.projectId!);
          log(`skipped ${describe(e)}: ${reason}`);
          continue;
        }
        try {
          const how = await scopes.tearDown(e);
          (how === 'gone' ? report.missing : report.deleted).push(e);
          log(how === 'gone' ? `${describe(e)} was already gone` : `deleted ${describe(e)}`);
          settled(e, how);
        } catch (err) {
          report.failed.push({ entry: e, reason: (err as Error).message });
          unreached(e.projectId!);
          log(`failed to delete ${describe(e)}: ${(err as Error).message}`);
        }
        continue;
      }
      await scopes?.close(); // a temporary grant never outlives the account entries it was made for
      let where: Resolution;
      try {
        where = await resolveDeletePath(session, e);
      } catch (err) {
        report.failed.push({ entry: e, reason: (err as Error).message });
        log(`failed to look up ${describe(e)}: ${(err as Error).message}`);
        continue;
      }
      if ('skip' in where) {
        report.skipped.push({ entry: e, reason: where.skip });
        log(`skipped ${describe(e)}: ${where.skip}`);
        continue;
      }
      if ('neverCreated' in where) {
        report.missing.push(e);
        log(`${describe(e)} was never created (no resource has that name)`);
        settled(e, 'gone');
        continue;
      }
      const project = e.service === 'identity' ? /^\/v3\/projects\/([^/?]+)$/.exec(where.path)?.[1] : undefined;
      if (project && unreachedAccounts.has(project)) {
        const reason = 'its Swift account still holds what could not be deleted, which only a token scoped to the project can reach';
        report.skipped.push({ entry: e, reason });
        log(`skipped ${describe(e)}: ${reason}`);
        continue;
      }
      if (dryRun) {
        report.planned.push(e);
        log(`would delete ${describe(e)}: DELETE ${where.path}`);
        continue;
      }
      let status: number;
      try {
        if (e.service === 'network') await prepareNeutronDelete(session, where.path);
        status = (await session.request({ service: e.service, method: 'DELETE', path: where.path })).response.status;
      } catch (err) {
        report.failed.push({ entry: e, reason: (err as Error).message });
        log(`failed to delete ${describe(e)}: ${(err as Error).message}`);
        continue;
      }
      if (status === 404) {
        report.missing.push(e);
        log(`${describe(e)} was already gone`);
        settled(e, 'gone');
      } else if (status >= 200 && status < 300) {
        // a server goes away after its DELETE answered: wait, so that what it used can be deleted next
        if (e.service === 'compute' && isServerPath(where.path) && !(await awaitServerGone(session, where.path).catch(() => false))) {
          log(`${describe(e)} was still there 60 s after its DELETE`);
        }
        report.deleted.push(e);
        log(`deleted ${describe(e)}`);
        settled(e, 'deleted');
      } else {
        report.failed.push({ entry: e, reason: `DELETE ${where.path} answered ${status}` });
        log(`failed to delete ${describe(e)}: DELETE ${where.path} answered ${status}`);
      }
    }
  } finally {
    await scopes?.close();
  }
  return report;
}
