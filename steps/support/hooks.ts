/** Worker set-up and tear-down, capability skips, Allure labels, per-scenario cleanup. */
import { After, AfterAll, Before, BeforeAll, setDefaultTimeout, type ITestCaseHookParameter } from '@cucumber/cucumber';
import * as allure from 'allure-js-commons';
import { cleanup } from '../../harness/resources';
import { unmetRequirement } from '../../harness/capabilities';
import { recorderSlot, setUpWorker, tearDownWorker, workerContext } from './worker-context';
import { reportExchange, type StackproofWorld } from './world';
import { runUndos } from './undo';

setDefaultTimeout(60_000);

BeforeAll({ timeout: 120_000 }, async () => {
  try {
    await setUpWorker();
  } catch (e) {
    // Cucumber reports only that the hook failed; say why.
    process.stderr.write(`\nstackproof: the worker could not be set up: ${(e as Error).message}\n`);
    throw e;
  }
});

AfterAll({ timeout: 300_000 }, async () => {
  await tearDownWorker();
});

Before(async function (this: StackproofWorld, { pickle, gherkinDocument }: ITestCaseHookParameter) {
  const tags = pickle.tags.map((t) => t.name);
  const area = /features\/([^/]+)\//.exec(pickle.uri)?.[1] ?? 'general';
  await allure.epic(area);
  await allure.feature(gherkinDocument.feature?.name ?? area);
  const story = tags.find((t) => t.startsWith('@story:'));
  if (story) await allure.story(story.slice(7));
  const id = tags.find((t) => t.startsWith('@id:'));
  if (id) await allure.allureId(id.slice(4));
  const reason = unmetRequirement(tags, workerContext().caps);
  if (reason) {
    await allure.label('skip_reason', reason);
    this.attach(`skipped: ${reason}`, 'text/plain');
    return 'skipped';
  }
  recorderSlot.recorder = reportExchange;
  return undefined;
});

After(async function (this: StackproofWorld) {
  recorderSlot.recorder = undefined;
  await runUndos(this); // a cell back up, a host out of its aggregate: before the ledger's deletes
  const ctx = workerContext();
  const mine = new Set(this.created.map((c) => c.entryId));
  const entries = ctx.ledger.outstanding().filter((e) => mine.has(e.entryId));
  if (entries.length) {
    const report = await cleanup(ctx.admin, entries, {});
    if (report.failed.length) {
      this.attach(`cleanup failed for: ${report.failed.map((f) => `${f.entry.kind} ${f.entry.id}: ${f.reason}`).join('; ')}`, 'text/plain');
    }
  }
  await this.closeSessions();
});
