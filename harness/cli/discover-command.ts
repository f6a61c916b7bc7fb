/** `stackproof discover`: prints what the target offers (services, versions, microversions, extensions). */
import { loadTarget } from '../config';
import { Session } from '../client';
import { discoverTarget } from '../capabilities';

export async function discover(opts: { osCloud?: string; json?: boolean }): Promise<number> {
  const target = loadTarget({ cloud: opts.osCloud });
  if (!target) throw new Error('no target: set OS_CLOUD or --os-cloud (clouds.yaml), or OS_AUTH_URL and friends');
  const session = new Session(target);
  try {
    const d = await discoverTarget(session);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ cloud: target.name, ...d }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(`Cloud "${target.name}" (${target.auth.authUrl}); your roles: ${d.roles.join(', ') || 'none'}\n\n`);
    for (const s of d.services) {
      process.stdout.write(`${s.type.padEnd(16)} ${s.name ?? ''}\n`);
      for (const v of s.versions) {
        const range = v.maxVersion ? `  microversions ${v.minVersion ?? '?'} - ${v.maxVersion}` : '';
        process.stdout.write(`    ${v.id.padEnd(8)} ${v.status.padEnd(10)} ${v.url}${range}\n`);
      }
      if (s.error) process.stdout.write(`    discovery failed: ${s.error}\n`);
    }
    if (d.extensions.length) process.stdout.write(`\nnetwork extensions: ${d.extensions.join(', ')}\n`);
    return 0;
  } finally {
    await session.close();
  }
}
