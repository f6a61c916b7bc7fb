/** The lines of a resource ledger (JSON lines) and how outstanding entries are rebuilt from them. */

export interface IntentInput {
  runId: string;
  worker: string | number;
  /** Catalog service type that owns the resource. */
  service: string;
  /** e.g. 'project', 'server', 'object'. */
  kind: string;
  /** The (run-prefixed) name the create request uses. */
  name: string;
  /** Where to DELETE it; may hold '{id}' until the id is known. */
  deletePath?: string;
  /** A list path that finds it by name (e.g. '/v3/projects?name=...'), used only if the id never got recorded. */
  findPath?: string;
  /**
   * The project whose scope the delete needs: the project of the Swift account a container (or
   * account metadata) lives in, whose account only that project's operators may change. For
   * these entries `deletePath` is relative to the account ('/<container>'; '' for the account).
   */
  projectId?: string;
}

export interface IntentRecord extends IntentInput {
  op: 'intent';
  entryId: string;
  at: string;
  seq: number;
}

export interface CreatedRecord {
  op: 'created';
  entryId: string;
  at: string;
  id: string;
  deletePath: string;
}

export interface DeletedRecord {
  op: 'deleted';
  entryId: string;
  at: string;
  /** 'gone' when the cloud answered 404 to the delete. */
  how?: 'deleted' | 'gone';
}

export type LedgerRecord = IntentRecord | CreatedRecord | DeletedRecord;

/** A resource the run may have created and not yet removed. */
export interface LedgerEntry extends IntentInput {
  entryId: string;
  /** When the intent was written. */
  at: string;
  /** Set once the create succeeded. */
  id?: string;
  /** The ledger file it came from. */
  file: string;
  /** Global creation order (file order, then line order). */
  order: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isLedgerRecord(v: unknown): v is LedgerRecord {
  if (!isObject(v) || typeof v.entryId !== 'string') return false;
  switch (v.op) {
    case 'intent':
      return typeof v.service === 'string' && typeof v.kind === 'string' && typeof v.name === 'string';
    case 'created':
      return typeof v.id === 'string' && typeof v.deletePath === 'string';
    case 'deleted':
      return true;
    default:
      return false;
  }
}

export interface ParsedLedger {
  records: LedgerRecord[];
  warnings: string[];
}

/** Parses a ledger file's text. A torn last line (a crash mid-write) is skipped with a warning. */
export function parseLedgerText(text: string, file: string): ParsedLedger {
  const lines = text.split('\n');
  const records: LedgerRecord[] = [];
  const warnings: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const last = lines.slice(i + 1).every((l) => l.trim() === '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      warnings.push(
        last
          ? `${file}: the last line is incomplete (a crash while writing?) and was ignored.`
          : `${file}: line ${i + 1} is not JSON and was ignored.`,
      );
      return;
    }
    if (!isLedgerRecord(parsed)) {
      warnings.push(`${file}: line ${i + 1} is not a ledger record and was ignored.`);
      return;
    }
    records.push(parsed);
  });
  return { records, warnings };
}

/** Folds records into the entries that were intended and not deleted. */
export function outstandingEntries(records: LedgerRecord[], file: string, orderBase = 0): LedgerEntry[] {
  const entries = new Map<string, LedgerEntry>();
  let order = orderBase;
  for (const r of records) {
    if (r.op === 'intent') {
      const { op: _op, seq: _seq, ...rest } = r;
      entries.set(r.entryId, { ...rest, file, order: order++ });
    } else if (r.op === 'created') {
      const e = entries.get(r.entryId);
      if (e) {
        e.id = r.id;
        e.deletePath = r.deletePath;
      }
    } else {
      entries.delete(r.entryId);
    }
  }
  return [...entries.values()];
}
