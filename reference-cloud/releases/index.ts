/**
 * The OpenStack releases the reference cloud can behave as. Each release fixes the API versions
 * and microversion ranges the services advertise; migrations name the release that introduced
 * them (see core/store.ts).
 */
export interface Release {
  name: string;
  codename: string;
  identity: { version: string; updated: string };
  compute: { maxMicroversion: string };
  blockStorage: { maxMicroversion: string };
  image: { maxVersion: string };
}

export const RELEASES: Release[] = [
  { name: '2024.1', codename: 'caracal', identity: { version: '3.14', updated: '2020-04-07T00:00:00Z' }, compute: { maxMicroversion: '2.96' }, blockStorage: { maxMicroversion: '3.71' }, image: { maxVersion: '2.16' } },
  { name: '2024.2', codename: 'dalmatian', identity: { version: '3.14', updated: '2020-04-07T00:00:00Z' }, compute: { maxMicroversion: '2.96' }, blockStorage: { maxMicroversion: '3.71' }, image: { maxVersion: '2.17' } },
  { name: '2025.1', codename: 'epoxy', identity: { version: '3.14', updated: '2020-04-07T00:00:00Z' }, compute: { maxMicroversion: '2.100' }, blockStorage: { maxMicroversion: '3.71' }, image: { maxVersion: '2.17' } },
  { name: '2025.2', codename: 'flamingo', identity: { version: '3.14', updated: '2020-04-07T00:00:00Z' }, compute: { maxMicroversion: '2.100' }, blockStorage: { maxMicroversion: '3.71' }, image: { maxVersion: '2.17' } },
];

export function findRelease(name: string): Release {
  const r = RELEASES.find((x) => x.name === name || x.codename === name.toLowerCase());
  if (!r) throw new Error(`unknown release "${name}" (known: ${RELEASES.map((x) => x.name).join(', ')})`);
  return r;
}

/** Orders release names like '2024.1' < '2024.2' < '2025.1'. */
export function compareReleases(a: string, b: string): number {
  const [ay, an] = a.split('.').map(Number);
  const [by, bn] = b.split('.').map(Number);
  return ay !== by ? ay - by : an - bn;
}
