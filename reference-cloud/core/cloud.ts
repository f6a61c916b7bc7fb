/**
 * Starts and stops a reference cloud: opens each service's store, creates the runtimes
 * (identity first: it validates every token), mounts them on one shared port or on their
 * own ports, and tells them their endpoints once the listeners are up.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthContext, TokenValidator } from './auth-context';
import { systemClock, type Clock } from './clock';
import type { CloudConfig } from './config';
import { buildHttpServer, type MountedService } from './http';
import { createLogger } from './logging';
import { RemoteTokenValidator } from './remote-tokens';
import type { CatalogEndpoint, ServiceDefinition, ServiceName } from './service';
import { openStore, type ServiceStore } from './store';
import { findRelease } from '../releases';

export interface AdminCredentials {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
  region: string;
}

export interface RunningCloud {
  config: CloudConfig;
  /** Catalog endpoints of the services running here. */
  endpoints: CatalogEndpoint[];
  /** The Keystone auth URL (…/identity/v3). */
  authUrl: string;
  admin: AdminCredentials;
  clock: Clock;
  log: Logger;
  /** Milliseconds from the start call to ready. */
  startupMs: number;
  close(): Promise<void>;
}

export interface StartOptions {
  services: ServiceDefinition[];
  log?: Logger;
  clock?: Clock;
}

export async function startCloud(config: CloudConfig, opts: StartOptions): Promise<RunningCloud> {
  const t0 = performance.now();
  findRelease(config.release); // fails early on an unknown release
  const log = opts.log ?? createLogger(config.logLevel, config.logFile);
  const clock = opts.clock ?? systemClock();
  const dataDir = config.ephemeral ? mkdtempSync(join(tmpdir(), 'stackproof-')) : config.dataDir;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const cfg: CloudConfig = { ...config, dataDir };
  if (!cfg.adminPassword) cfg.adminPassword = persistentSecret(dataDir, 'admin-password');
  if (!cfg.servicePassword) cfg.servicePassword = persistentSecret(dataDir, 'service-password');

  const wanted = cfg.services ?? opts.services.map((s) => s.name);
  const defs = opts.services.filter((s) => wanted.includes(s.name));
  const stores: ServiceStore[] = [];

  // Co-located services validate tokens in-process through identity; late-bound because
  // identity itself is created through the same context.
  let local: TokenValidator | undefined;
  const tokens: TokenValidator = cfg.identityUrl && !wanted.includes('identity')
    ? new RemoteTokenValidator({
        authUrl: cfg.identityUrl, username: 'stackproof', password: cfg.servicePassword,
        projectName: 'service', cacheSeconds: cfg.tokenCacheSeconds,
      })
    : { validate: (t: string): Promise<AuthContext> => {
        if (!local) throw new Error('identity is not running in this process and no identityUrl is configured');
        return local.validate(t);
      } };

  const mounted: MountedService[] = [];
  const baseUrls = new Map<ServiceName, string>();
  const ordered = [...defs].sort((a, b) => Number(b.name === 'identity') - Number(a.name === 'identity'));
  try {
    for (const def of ordered) {
      const store = openStore(dataDir, def.name, def.migrations, cfg.release);
      stores.push(store);
      const slog = log.child({ component: def.name });
      const runtime = await def.create({ config: cfg, store, log: slog, clock, tokens });
      if (runtime.tokens) local = runtime.tokens;
      mounted.push({
        def, runtime, tokens, log: slog,
        microversions: def.microversions?.(cfg),
        baseUrl: () => baseUrls.get(def.name) ?? '',
        // Keystone names its own /v3 URL in WWW-Authenticate; other services name the identity root
        // (keystonemiddleware's www_authenticate_uri as DevStack sets it).
        authUrl: () => `${baseUrls.get('identity') ?? cfg.identityUrl?.replace(/\/v3\/?$/, '') ?? ''}${def.name === 'identity' ? '/v3' : ''}`,
      });
    }
  } catch (e) {
    for (const s of stores) s.close();
    throw e;
  }

  // One listener for the shared port, one for each service given its own port.
  const groups = new Map<number | 'shared', MountedService[]>();
  for (const m of mounted) {
    const port = cfg.ports[m.def.name];
    const key = port === undefined ? 'shared' : port;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const servers: FastifyInstance[] = [];
  try {
    for (const [key, group] of groups) {
      const app = buildHttpServer(group, log);
      await app.listen({ host: cfg.host, port: key === 'shared' ? cfg.port : key });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
      for (const m of group) baseUrls.set(m.def.name, `http://${urlHost(cfg.publicHost)}:${port}${m.def.mount}`);
      servers.push(app);
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    for (const s of stores) s.close();
    throw e;
  }

  const endpoints: CatalogEndpoint[] = mounted.flatMap((m) =>
    [{ type: m.def.catalogType, name: m.def.catalogName }, ...(m.def.catalogAliases ?? [])].map((entry) => ({
      service: m.def.name,
      catalogType: entry.type,
      catalogName: entry.name,
      url: `${baseUrls.get(m.def.name)}${m.def.catalogSuffix}`,
    })));
  // Identity first (it registers everyone's endpoints), then the others side by side, as
  // separately started services would bootstrap.
  const [first, ...rest] = mounted;
  await first?.runtime.ready?.(endpoints);
  await Promise.all(rest.map((m) => m.runtime.ready?.(endpoints)));

  const identityBase = baseUrls.get('identity') ?? cfg.identityUrl?.replace(/\/v3\/?$/, '') ?? '';
  const authUrl = `${identityBase}/v3`;
  let closed = false;
  return {
    config: cfg,
    endpoints,
    authUrl,
    admin: {
      authUrl, username: 'admin', password: cfg.adminPassword, projectName: 'admin',
      userDomainName: 'Default', projectDomainName: 'Default', region: cfg.region,
    },
    clock,
    log,
    startupMs: performance.now() - t0,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(servers.map((s) => s.close()));
      for (const m of mounted) await m.runtime.close?.();
      for (const s of stores) s.close();
      if (cfg.ephemeral) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** A secret generated once and kept (mode 0600) in the data directory. */
function persistentSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(18).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
