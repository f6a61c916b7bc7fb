/** The `stackproof` command line. */
import { Command, Option } from 'commander';
// Commands load their modules on use: `cloud up` should not carry cucumber in memory.
import type * as CloudCommand from './cloud-command';
import type { CloudUpOptions } from './cloud-command';
import type * as VerifyCommand from './verify-command';
import type { VerifyOptions } from './verify-command';

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

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`stackproof: ${err.message}\n`);
  process.exit(2);
});
