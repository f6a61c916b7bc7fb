/**
 * Real-client workflow for the image service: python-openstackclient, unmodified, creates an
 * image from a file, lists, shows, saves (downloads), sets and deletes it. Skipped (with the
 * reason) where the `openstack` command is not installed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OSC_SKIP, useOscCloud } from './osc';

describe('python-openstackclient: images against the reference cloud', { skip: OSC_SKIP }, () => {
  const { os, dir } = useOscCloud();

  it('lists the bootstrap cirros image', async () => {
    const images = await os('image', 'list', '-f', 'json') as { Name: string; Status: string }[];
    assert.ok(images.some((i) => i.Name === 'cirros' && i.Status === 'active'), JSON.stringify(images));
  });

  it('image create --file, list, show, save, set, delete', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const src = join(dir(), 'disk.raw');
    writeFileSync(src, data);
    const created = await os('image', 'create', '--file', src, '--disk-format', 'raw', '--container-format', 'bare', '--private', 'osc-image', '-f', 'json');
    assert.equal(created.name, 'osc-image');
    const shown = await os('image', 'show', 'osc-image', '-f', 'json');
    assert.equal(shown.status, 'active');
    assert.equal(shown.size, data.length);
    assert.equal(shown.checksum, createHash('md5').update(data).digest('hex'));
    assert.equal(shown.visibility, 'private');
    const list = await os('image', 'list', '--private', '-f', 'json') as { Name: string }[];
    assert.ok(list.some((i) => i.Name === 'osc-image'));

    const out = join(dir(), 'saved.raw');
    await os('image', 'save', '--file', out, 'osc-image');
    assert.ok(readFileSync(out).equals(data), 'the saved bytes are the uploaded bytes');

    await os('image', 'set', '--property', 'os_distro=cirros', '--tag', 'osc', '--min-ram', '64', '--name', 'osc-image-2', 'osc-image');
    const updated = await os('image', 'show', 'osc-image-2', '-f', 'json');
    assert.equal(updated.min_ram, 64);
    assert.deepEqual(updated.tags, ['osc']);
    assert.equal((updated.properties ?? updated).os_distro, 'cirros');

    await os('image', 'delete', 'osc-image-2');
    const after = await os('image', 'list', '-f', 'json') as { Name: string }[];
    assert.ok(!after.some((i) => i.Name.startsWith('osc-image')));
  });
});
