/**
 * `stackproof cloud up|down|status`: runs the reference cloud in the foreground (Ctrl-C stops
 * it) or in the background (--detach), and reports on it. The running cloud's state file
 * (<data dir>/cloud.json) says where it listens and which process serves it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../reference-cloud/core/cloud';
import { loadConfig, type CloudConfig } from '../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../reference-cloud/services';
import { writeCloudsYaml } from '../config';
import { REFERENCE_CLOUD_NAME, targetForCloud } from './cloud-target';

export interface CloudUpOptions {
  config?: string;
  host?: string;
  port?: string;
  dataDir?: string;
  ephemeral?: boolean;
  release?: string;
  logLevel?: string;
  cloudsFile?: string;
  detach?: boolean;
}

interface StateFile {
  pid: number;
  authUrl: string;
  endpoints: { catalogType: string; url: string }[];
  startedAt: string;
  logFile?: string;
}

export const defaultCloudsFile = () =>
  process.env.OS_CLIENT_CONFIG_FILE ?? join(homedir(), '.config', 'openstack', 'clouds.yaml');

function configFrom(opts: CloudUpOptions): CloudConfig {
  return loadConfig({
    file: opts.config,
    overrides: {
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.port !== undefined ? { port: opts.port as unknown as number } : {}),
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      ...(opts.ephemeral ? { ephemeral: true } : {}),
      ...(opts.release ? { release: opts.release } : {}),
      ...(opts.logLevel ? { logLevel: opts.logLevel } : {}),
    },
  });
}

const stateFile = (dataDir: string) => join(dataDir, 'cloud.json');

function readState(dataDir: string): StateFile | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(dataDir), 'utf8')) as StateFile;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function describeCloud(cloud: RunningCloud, cloudsFile: string): string {
  const lines = [
    `Stackproof reference cloud (release ${cloud.config.release}) ready in ${cloud.startupMs.toFixed(0)} ms`,
    '',
    'Endpoints:',
    ...cloud.endpoints.map((e) => `  ${e.catalogType.padEnd(16)} ${e.url}`),
    '',
    'Admin credentials:',
    `  auth URL     ${cloud.admin.authUrl}`,
    `  user         ${cloud.admin.username} (domain ${cloud.admin.userDomainName})`,
    `  password     ${cloud.admin.password}`,
    `  project      ${cloud.admin.projectName} (domain ${cloud.admin.projectDomainName})`,
    `  region       ${cloud.admin.region}`,
    '',
    `clouds.yaml:  cloud "${REFERENCE_CLOUD_NAME}" written to ${cloudsFile}`,
    `              try: openstack --os-cloud ${REFERENCE_CLOUD_NAME} token issue`,
    cloud.config.ephemeral ? 'Data:         ephemeral (deleted on stop)' : `Data:         ${cloud.config.dataDir}`,
  ];
  return lines.join('\n');
}

export async function cloudUp(opts: CloudUpOptions): Promise<void> {
  const config = configFrom(opts);
  if (!config.ephemeral) {
    const prior = readState(config.dataDir);
    if (prior && alive(prior.pid) && prior.pid !== process.pid) {
      throw new Error(`a reference cloud (pid ${prior.pid}) already runs on ${config.dataDir}: ${prior.authUrl}`);
    }
  }
  if (opts.detach) return detach(config);
  const cloudsFile = opts.cloudsFile ?? defaultCloudsFile();
  const cloud = await startCloud(config, { services: ALL_SERVICES });
  writeCloudsYaml(cloudsFile, REFERENCE_CLOUD_NAME, targetForCloud(cloud.admin));
  if (!cloud.config.ephemeral) {
    const state: StateFile = {
      pid: process.pid, authUrl: cloud.authUrl, startedAt: new Date().toISOString(),
      endpoints: cloud.endpoints.map((e) => ({ catalogType: e.catalogType, url: e.url })), logFile: config.logFile,
    };
    writeFileSync(stateFile(cloud.config.dataDir), JSON.stringify(state, null, 2), { mode: 0o600 });
  }
  process.stdout.write(`${describeCloud(cloud, cloudsFile)}\n\nPress Ctrl-C to stop.\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the reference cloud...\n`);
    await cloud.close();
    if (!cloud.config.ephemeral) rmSync(stateFile(cloud.config.dataDir), { force: true });
    process.stdout.write('stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function detach(config: CloudConfig): Promise<void> {
  if (config.ephemeral) throw new Error('--detach needs a data directory (not --ephemeral): status and down find the cloud through it');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logFile = join(config.dataDir, 'cloud.log');
  const out = openSync(logFile, 'a');
  const args = process.argv.slice(1).filter((a) => a !== '--detach' && a !== '-d');
  rmSync(stateFile(config.dataDir), { force: true });
  const child = spawn(process.execPath, [...process.execArgv, ...args], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, STACKPROOF_DATA_DIR: config.dataDir },
  });
  child.unref();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const st = readState(config.dataDir);
    if (st && st.pid === child.pid) {
      process.stdout.write(`${readFileSync(logFile, 'utf8').split('Press Ctrl-C')[0].split('\n').filter((l) => !l.startsWith('{')).slice(-40).join('\n').trim()}\n\n`);
      process.stdout.write(`Running in the background (pid ${child.pid}); logs in ${logFile}. Stop it with: stackproof cloud down\n`);
      return;
    }
    if (child.exitCode !== null || !alive(child.pid!)) {
      throw new Error(`the reference cloud did not start; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the reference cloud did not become ready within 30 s; see ${logFile}`);
}

export async function cloudStatus(opts: CloudUpOptions): Promise<number> {
  const config = configFrom(opts);
  const st = readState(config.dataDir);
  if (!st || !alive(st.pid)) {
    process.stdout.write(`No reference cloud is running on ${config.dataDir}.\n`);
    return 3;
  }
  let reachable = false;
  try {
    const res = await fetch(st.authUrl, { signal: AbortSignal.timeout(3000) });
    reachable = res.status === 200;
  } catch {
    reachable = false;
  }
  process.stdout.write([
    `Reference cloud running (pid ${st.pid}) since ${st.startedAt}; identity ${reachable ? 'answers' : 'does NOT answer'}.`,
    ...st.endpoints.map((e) => `  ${e.catalogType.padEnd(16)} ${e.url}`),
    '',
  ].join('\n'));
  return reachable ? 0 : 1;
}

export async function cloudDown(opts: CloudUpOptions): Promise<number> {
  const config = configFrom(opts);
  const st = readState(config.dataDir);
  if (!st || !alive(st.pid)) {
    process.stdout.write(`No reference cloud is running on ${config.dataDir}.\n`);
    if (st) rmSync(stateFile(config.dataDir), { force: true });
    return 0;
  }
  process.kill(st.pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (alive(st.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(st.pid)) {
    process.kill(st.pid, 'SIGKILL');
    process.stdout.write(`The reference cloud (pid ${st.pid}) did not stop in 15 s and was killed.\n`);
  } else {
    process.stdout.write(`Reference cloud (pid ${st.pid}) stopped.\n`);
  }
  if (existsSync(stateFile(config.dataDir))) rmSync(stateFile(config.dataDir), { force: true });
  return 0;
}
