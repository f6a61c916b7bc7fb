/**
 * Image service bench: upload and download throughput of a 256 MiB image (generated on the fly,
 * never held whole in memory on either side), the cloud's RSS before, during and after, and list
 * latency with many images (first page, and a page deep in the list by marker).
 */
import { MiB, SECONDS, generated, rssMb, withPeakRss, type BenchEnv } from './lib';

const IMAGE_MIB = Number(process.env.BENCH_IMAGE_MIB ?? 256);
const LIST_IMAGES = Number(process.env.BENCH_IMAGE_COUNT ?? 2000);

async function json(env: BenchEnv, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const r = await env.pool.request({
    method, path, headers: { 'x-auth-token': env.token, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.body.text();
  return { status: r.statusCode, body: text ? JSON.parse(text) : undefined };
}

/** Lifts the admin project's image limits (Keystone unified limits) so the bench is not refused. */
async function unlimited(env: BenchEnv): Promise<void> {
  const token = await json(env, 'GET', '/identity/v3/auth/tokens?nocatalog');
  void token;
  const svc = (await json(env, 'GET', '/identity/v3/services?type=image')).body.services[0];
  const projects = (await json(env, 'GET', '/identity/v3/projects?name=admin')).body.projects;
  const limits = ['image_count_total', 'image_size_total', 'image_count_uploading', 'image_stage_total'].map((r) => ({
    service_id: svc.id, project_id: projects[0].id, region_id: 'RegionOne', resource_name: r, resource_limit: -1,
  }));
  const r = await json(env, 'POST', '/identity/v3/limits', { limits });
  if (r.status !== 201 && r.status !== 409) throw new Error(`could not lift the image limits: ${r.status} ${JSON.stringify(r.body)}`);
}

export async function benchImage(env: BenchEnv): Promise<void> {
  await unlimited(env);
  const created = await json(env, 'POST', '/image/v2/images', { name: 'bench-256', disk_format: 'raw', container_format: 'bare' });
  if (created.status !== 201) throw new Error(`image create: ${created.status}`);
  const id = created.body.id as string;
  const before = rssMb(env.pid);

  const up = await withPeakRss(env.pid, async () => {
    const t = performance.now();
    const r = await env.pool.request({
      method: 'PUT', path: `/image/v2/images/${id}/file`,
      headers: { 'x-auth-token': env.token, 'content-type': 'application/octet-stream' }, body: generated(IMAGE_MIB),
    });
    await r.body.dump();
    if (r.statusCode !== 204) throw new Error(`upload: ${r.statusCode}`);
    return (performance.now() - t) / 1000;
  });
  console.log(`image upload ${IMAGE_MIB} MiB          ${(IMAGE_MIB / up.value).toFixed(0).padStart(7)} MiB/s  (${up.value.toFixed(2)} s; cloud RSS ${before.toFixed(0)} MB before, peak ${up.peak.toFixed(0)} MB)`);

  const down = await withPeakRss(env.pid, async () => {
    const t = performance.now();
    const r = await env.pool.request({ method: 'GET', path: `/image/v2/images/${id}/file`, headers: { 'x-auth-token': env.token } });
    let bytes = 0;
    for await (const c of r.body) bytes += (c as Buffer).length;
    if (r.statusCode !== 200 || bytes !== IMAGE_MIB * MiB) throw new Error(`download: ${r.statusCode}, ${bytes} bytes`);
    return (performance.now() - t) / 1000;
  });
  console.log(`image download ${IMAGE_MIB} MiB        ${(IMAGE_MIB / down.value).toFixed(0).padStart(7)} MiB/s  (${down.value.toFixed(2)} s; cloud RSS peak ${down.peak.toFixed(0)} MB, after ${rssMb(env.pid).toFixed(0)} MB)`);
  await json(env, 'DELETE', `/image/v2/images/${id}`);

  // List latency with many images: the first page, and a page found by a marker deep in the list.
  const deadline = Date.now() + SECONDS * 4000;
  let count = 0;
  const ids: string[] = [];
  while (count < LIST_IMAGES && Date.now() < deadline) {
    const batch = await Promise.all(Array.from({ length: 32 }, (_, i) => json(env, 'POST', '/image/v2/images', { name: `bench-list-${count + i}`, tags: ['bench-list'] })));
    for (const b of batch) if (b.status === 201) ids.push(b.body.id);
    count += batch.length;
  }
  const time = async (path: string) => {
    const lat: number[] = [];
    const end = Date.now() + 1000 * Math.min(SECONDS, 3);
    while (Date.now() < end) {
      const t = performance.now();
      const r = await json(env, 'GET', path);
      if (r.status !== 200) throw new Error(`list: ${r.status}`);
      lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    return `p50 ${lat[Math.floor(lat.length / 2)].toFixed(1)} ms, p99 ${lat[Math.floor(lat.length * 0.99)].toFixed(1)} ms`;
  };
  const deep = ids[Math.floor(ids.length / 2)];
  console.log(`image list (${ids.length} images)       first page: ${await time('/image/v2/images?limit=25')}; by marker mid-list: ${await time(`/image/v2/images?limit=25&sort=name:asc&marker=${deep}`)}`);
  for (let i = 0; i < ids.length; i += 32) await Promise.all(ids.slice(i, i + 32).map((x) => json(env, 'DELETE', `/image/v2/images/${x}`)));
}
