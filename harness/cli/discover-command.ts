/** `stackproof discover`: prints what the target offers (services, versions, microversions, extensions). */
import { loadTarget } from '../config';
import { Session } from '../client';

export async function discover(opts: { osCloud?: string; json?: boolean }): Promise<number> {
  const target = loadTarget({ cloud: opts.osCloud });
  if (!target) throw new Error('no target: set OS_CLOUD or --os-cloud (clouds.yaml), or OS_AUTH_URL and friends');
  const session = new Session(target);
  try {
    const token = await session.authenticate();
    const services = [];
    for (const svc of token.body.catalog ?? []) {
      let versions: Awaited<ReturnType<Session['discoverVersions']>> = [];
      let error: string | undefined;
      if (svc.type !== 'object-store') {
        try {
          versions = await session.discoverVersions(svc.type);
        } catch (e) {
          error = (e as Error).message;
        }
      }
      services.push({ type: svc.type, name: svc.name, versions, error });
    }
    let extensions: string[] = [];
    if (services.some((s) => s.type === 'network')) {
      const ex = await session.request({ service: 'network', method: 'GET', path: '/v2.0/extensions' });
      extensions = ((ex.response.json as { extensions?: { alias: string }[] })?.extensions ?? []).map((e) => e.alias).sort();
    }
    const roles = (token.body.roles ?? []).map((r) => r.name);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ cloud: target.name, roles, services, extensions }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(`Cloud "${target.name}" (${target.auth.authUrl}); your roles: ${roles.join(', ') || 'none'}\n\n`);
    for (const s of services) {
      process.stdout.write(`${s.type.padEnd(16)} ${s.name ?? ''}\n`);
      for (const v of s.versions) {
        const range = v.maxVersion ? `  microversions ${v.minVersion ?? '?'} - ${v.maxVersion}` : '';
        process.stdout.write(`    ${v.id.padEnd(8)} ${v.status.padEnd(10)} ${v.url}${range}\n`);
      }
      if (s.error) process.stdout.write(`    discovery failed: ${s.error}\n`);
    }
    if (extensions.length) process.stdout.write(`\nnetwork extensions: ${extensions.join(', ')}\n`);
    return 0;
  } finally {
    await session.close();
  }
}
