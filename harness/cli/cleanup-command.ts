/**
 * `stackproof cleanup [--dry-run]`: finishes the cleanup of runs that crashed. Deletes only what
 * the ledgers under reports/ledger list and that is still outstanding, newest first. Containers
 * and account metadata in a project's Swift account are deleted as an operator of that project
 * would: as the admin user with a token scoped to it (a temporary member grant when the admin
 * holds no operator role there, ledgered and revoked after; see resources/swift-teardown.ts).
 */
import { join, resolve } from 'node:path';
import { loadTarget } from '../config';
import { Session } from '../client';
import { Ledger, cleanup } from '../resources';

export async function cleanupCommand(opts: { osCloud?: string; dryRun?: boolean; ledger?: string }): Promise<number> {
  const dir = resolve(opts.ledger ?? join(__dirname, '..', '..', 'reports', 'ledger'));
  const { outstanding, warnings } = Ledger.load(dir);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  if (outstanding.length === 0) {
    process.stdout.write(`Nothing to clean up: the ledgers in ${dir} list no outstanding resource.\n`);
    return 0;
  }
  const target = loadTarget({ cloud: opts.osCloud });
  if (!target) throw new Error('no target: name the cloud the run used (--os-cloud or OS_CLOUD)');
  const session = new Session(target);
  try {
    const r = await cleanup(session, outstanding, { dryRun: opts.dryRun, log: (l) => process.stdout.write(`${l}\n`) });
    if (opts.dryRun) {
      process.stdout.write(`Dry run: would delete ${r.planned.length}; ${r.skipped.length} cannot be found safely.\n`);
      return 0;
    }
    process.stdout.write(`Deleted ${r.deleted.length}, already gone ${r.missing.length}, failed ${r.failed.length}, skipped ${r.skipped.length}.\n`);
    return r.failed.length ? 1 : 0;
  } finally {
    await session.close();
  }
}
