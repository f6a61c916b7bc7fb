/**
 * A crash-safe ledger of resources a run creates: one JSON-lines file per run. The intent is
 * appended and fsynced BEFORE the create request is sent, so a crash at any point leaves a
 * record that `stackproof cleanup` can act on.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  outstandingEntries,
  parseLedgerText,
  type DeletedRecord,
  type IntentInput,
  type LedgerEntry,
  type LedgerRecord,
} from './ledger-records';

export const LEDGER_SUFFIX = '.ledger.jsonl';

export interface LoadedLedgers {
  /** Intended and not deleted, oldest first. */
  outstanding: LedgerEntry[];
  /** Lines that could not be read (e.g. torn by a crash). */
  warnings: string[];
  files: string[];
}

/** Appends one line and fsyncs it (and, for a new file, its directory). */
export function appendRecord(file: string, record: LedgerRecord): void {
  const isNew = !fs.existsSync(file);
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(record)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (isNew) fsyncDir(path.dirname(file));
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* some filesystems refuse fsync on directories; the file itself is synced */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function safeFileName(runId: string): string {
  return runId.replace(/[^A-Za-z0-9._-]/g, '_');
}

export class Ledger {
  readonly file: string;
  private seq = 0;

  /** The ledger of run `runId` under `dir` (created on first write). */
  constructor(dir: string, readonly runId: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${safeFileName(runId)}${LEDGER_SUFFIX}`);
  }

  /** Records the intent to create; call BEFORE sending the create request. Returns the entry id. */
  intend(entry: IntentInput): string {
    const entryId = randomUUID();
    appendRecord(this.file, { op: 'intent', entryId, at: new Date().toISOString(), seq: this.seq++, ...entry });
    return entryId;
  }

  /** Records the real id and delete path once the create succeeded. */
  created(entryId: string, result: { id: string; deletePath: string }): void {
    appendRecord(this.file, { op: 'created', entryId, at: new Date().toISOString(), id: result.id, deletePath: result.deletePath });
  }

  /** Records that the resource is gone. */
  deleted(entryId: string, how: DeletedRecord['how'] = 'deleted'): void {
    appendRecord(this.file, { op: 'deleted', entryId, at: new Date().toISOString(), how });
  }

  /** Outstanding entries of this run's ledger. */
  outstanding(): LedgerEntry[] {
    if (!fs.existsSync(this.file)) return [];
    return outstandingEntries(parseLedgerText(fs.readFileSync(this.file, 'utf8'), this.file).records, this.file);
  }

  /** Reads every ledger in `dir` and rebuilds what is still outstanding, oldest first. */
  static load(dir: string): LoadedLedgers {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith(LEDGER_SUFFIX)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { outstanding: [], warnings: [], files: [] };
      throw e;
    }
    const warnings: string[] = [];
    const all: LedgerEntry[] = [];
    const files: string[] = [];
    for (const name of names) {
      const file = path.join(dir, name);
      files.push(file);
      const parsed = parseLedgerText(fs.readFileSync(file, 'utf8'), file);
      warnings.push(...parsed.warnings);
      all.push(...outstandingEntries(parsed.records, file, all.length));
    }
    // Creation order across runs: by intent time, then by position in its file.
    all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
    all.forEach((e, i) => (e.order = i));
    return { outstanding: all, warnings, files };
  }
}
