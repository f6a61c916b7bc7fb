/** The `stackproof` command line. */
import { Command, Option } from 'commander';
// Commands load their modules on use: `cloud up` should not carry cucumber in memory.
import type * as CloudCommand from './cloud-command';
import type { CloudUpOptions } from './cloud-command';
import type * as VerifyCommand from './verify-command';
import type { VerifyOptions } from './verify-command';
import type * as DiscoverCommand from './discover-command';
import type * as CleanupCommand from './cleanup-command';
import type * as ReportCommand from './report-command';

/* eslint-disable @typescript-eslint/no-require-imports */
const cloudCommand = (): typeof CloudCommand => require('./cloud-command');
const verifyCommand = (): typeof VerifyCommand => require('./verify-command');

const program = new Command();
program.name('stackproof').description('OpenStack conformance harness and reference cloud').showHelpAfterError();

const cloudOptions = (c: Command) =>
  c
    .option('-c, --config <file>', 'YAML or DevStack local.conf configuration file (also STACKPROOF_CONFIG)')
    .option('--host <address>', 'address to bind (default 127.0.0.1)')
    .option('-p, --port <port>', 'shared port of every service (default 7700; 0 picks a free one)')
    .option('--data-dir <dir>', 'state directory (default ~/.stackproof/data)')
    .option('--release <release>', 'OpenStack release to behave as')
    .addOption(new Option('--log-level <level>').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']));

const cloud = program.command('cloud').description('run the reference cloud');
cloudOptions(cloud.command('up').description('start the reference cloud (foreground; Ctrl-C stops it)'))
  .option('--ephemeral', 'keep state in a temporary directory removed on stop')
  .option('-d, --detach', 'run in the background')
  .option('--clouds-file <file>', 'clouds.yaml to write the "stackproof" cloud into')
  .action(async (opts: CloudUpOptions) => cloudCommand().cloudUp(opts));
cloudOptions(cloud.command('status').description('is a reference cloud running on the data directory?'))
  .action(async (opts: CloudUpOptions) => { process.exitCode = await cloudCommand().cloudStatus(opts); });
cloudOptions(cloud.command('down').description('stop the background reference cloud'))
  .action(async (opts: CloudUpOptions) => { process.exitCode = await cloudCommand().cloudDown(opts); });

program.command('verify').description('run the conformance features against a cloud (default: an embedded reference cloud)')
  .argument('[paths...]', 'feature files or folders (default: features/)')
  .option('--os-cloud <name>', 'cloud from clouds.yaml (also OS_CLOUD)')
  .option('-t, --tags <expression>', 'cucumber tag expression, e.g. "@smoke and not @slow"')
  .option('--name <regexp>', 'only scenarios whose name matches')
  .option('--parallel <n>', 'worker processes, each with its own project and users', '0')
  .option('--reports <dir>', 'where reports go (default reports/)')
  .action(async (paths: string[], opts: VerifyOptions) => { process.exitCode = await verifyCommand().verify({ ...opts, paths }); });

program.command('discover').description('print what the target offers: services, versions, microversion ranges, extensions')
  .option('--os-cloud <name>', 'cloud from clouds.yaml (also OS_CLOUD)')
  .option('--json', 'machine-readable output')
  .action(async (opts: { osCloud?: string; json?: boolean }) => {
    process.exitCode = await (require('./discover-command') as typeof DiscoverCommand).discover(opts);
  });

program.command('cleanup').description('delete what interrupted runs left behind (only what their ledgers list)')
  .option('--os-cloud <name>', 'the cloud the runs used (also OS_CLOUD)')
  .option('--dry-run', 'list what would be deleted, delete nothing')
  .option('--ledger <dir>', 'ledger directory (default reports/ledger)')
  .action(async (opts: { osCloud?: string; dryRun?: boolean; ledger?: string }) => {
    process.exitCode = await (require('./cleanup-command') as typeof CleanupCommand).cleanupCommand(opts);
  });

program.command('report').description('generate the Allure HTML report from reports/allure-results')
  .option('--reports <dir>', 'reports directory (default reports/)')
  .action((opts: { reports?: string }) => {
    process.exitCode = (require('./report-command') as typeof ReportCommand).report(opts);
  });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`stackproof: ${err.message}\n`);
  process.exit(2);
});
