/**
 * Real-client workflows for the compute service: python-openstackclient, unmodified, boots a
 * server to ACTIVE and takes it through stop, start, reboot, resize and delete, and manages
 * flavors, keypairs, aggregates, server groups and quotas on a reference cloud this test starts.
 * Skipped (with the reason) where the `openstack` command is not installed.
 *
 * Outputs were checked against a real Nova (Zed) with the same client (OSC 6.0.0) first; one
 * client quirk: OSC 6.0's `--nic none` fails below microversion 2.37 ("nics must be a list or a
 * tuple"), so the boot asks for 2.37, as a user of that client must.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OSC_SKIP, useOscCloud } from './osc';

type Obj = Record<string, unknown>;

describe('python-openstackclient against the reference compute service', { skip: OSC_SKIP }, () => {
  const { os } = useOscCloud();

  /** Polls `server show` until its status is `want` (60 s at most). */
  async function waitForStatus(server: string, want: string): Promise<Obj> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const shown = (await os('server', 'show', server, '-f', 'json')) as Obj;
      if (shown.status === want && shown['OS-EXT-STS:task_state'] === null) return shown;
      assert.notEqual(shown.status, 'ERROR', `server ${server} went to ERROR: ${JSON.stringify(shown.fault ?? null)}`);
      assert.ok(Date.now() < deadline, `server ${server} is still ${String(shown.status)} after 60 s, expected ${want}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  it('lists zones, hypervisors and compute services that agree with each other', async () => {
    const hypervisors = (await os('hypervisor', 'list', '-f', 'json')) as { 'Hypervisor Hostname': string; State: string }[];
    assert.ok(hypervisors.length > 0, 'no hypervisors');
    assert.ok(hypervisors.every((h) => h.State === 'up'), JSON.stringify(hypervisors));
    const services = (await os('compute', 'service', 'list', '--service', 'nova-compute', '-f', 'json')) as { Host: string; Zone: string; Status: string; State: string }[];
    assert.equal(services.length, hypervisors.length, `${services.length} nova-compute services for ${hypervisors.length} hypervisors`);
    assert.ok(services.every((s) => s.Status === 'enabled' && s.State === 'up'), JSON.stringify(services));
    const zones = (await os('availability', 'zone', 'list', '--compute', '-f', 'json')) as { 'Zone Name': string; 'Zone Status': string }[];
    for (const s of services) assert.ok(zones.some((z) => z['Zone Name'] === s.Zone && z['Zone Status'] === 'available'), `zone ${s.Zone} of ${s.Host} is not listed: ${JSON.stringify(zones)}`);
  });

  it('flavor create, list, show, set, delete', async () => {
    const created = (await os('flavor', 'create', 'osc-flavor', '--ram', '128', '--disk', '1', '--vcpus', '1', '-f', 'json')) as Obj;
    assert.equal(created.name, 'osc-flavor');
    assert.equal(created.ram, 128);
    assert.equal(created['os-flavor-access:is_public'], true);
    const list = (await os('flavor', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(list.some((f) => f.Name === 'osc-flavor'));
    assert.ok(list.some((f) => f.Name === 'm1.tiny'), 'the bootstrap flavors are listed');
    await os('flavor', 'set', '--property', 'osc:colour=blue', 'osc-flavor');
    const shown = (await os('flavor', 'show', 'osc-flavor', '-f', 'json')) as Obj;
    assert.deepEqual(shown.properties, { 'osc:colour': 'blue' });
    assert.equal(shown.id, created.id);
    await os('flavor', 'delete', 'osc-flavor');
    const after = (await os('flavor', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(!after.some((f) => f.Name === 'osc-flavor'));
  });

  it('keypair create, list, show, delete', async () => {
    const privateKey = (await os('keypair', 'create', 'osc-kp')) as string;
    assert.match(privateKey, /-----BEGIN (RSA |OPENSSH )?PRIVATE KEY-----/);
    const list = (await os('keypair', 'list', '-f', 'json')) as { Name: string; Fingerprint: string }[];
    const listed = list.find((k) => k.Name === 'osc-kp');
    assert.ok(listed, JSON.stringify(list));
    const shown = (await os('keypair', 'show', 'osc-kp', '-f', 'json')) as Obj;
    assert.equal(shown.fingerprint, listed.Fingerprint);
    assert.match(String(shown.fingerprint), /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    await os('keypair', 'delete', 'osc-kp');
    const after = (await os('keypair', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(!after.some((k) => k.Name === 'osc-kp'));
  });

  it('server create --wait to ACTIVE, then list, show, stop, start, reboot, resize, confirm and delete --wait', async () => {
    const created = (await os('--os-compute-api-version', '2.37', 'server', 'create', 'osc-vm', '--flavor', 'm1.tiny', '--image', 'cirros', '--nic', 'none', '--wait', '-f', 'json')) as Obj;
    assert.equal(created.status, 'ACTIVE');
    assert.equal(created['OS-EXT-STS:vm_state'], 'active');
    assert.match(String(created.hostId), /^[0-9a-f]{56}$/);
    assert.match(String(created.flavor), /^m1\.tiny \(/);
    const list = (await os('server', 'list', '-f', 'json')) as { Name: string; Status: string; Flavor: string; Image: string }[];
    const row = list.find((s) => s.Name === 'osc-vm');
    assert.ok(row, JSON.stringify(list));
    assert.equal(row.Status, 'ACTIVE');
    assert.equal(row.Image, 'cirros');

    await os('server', 'stop', 'osc-vm');
    const stopped = await waitForStatus('osc-vm', 'SHUTOFF');
    assert.equal(stopped['OS-EXT-STS:power_state'], 4);
    await os('server', 'start', 'osc-vm');
    await waitForStatus('osc-vm', 'ACTIVE');
    await os('server', 'reboot', '--wait', 'osc-vm');
    await waitForStatus('osc-vm', 'ACTIVE');

    await os('server', 'resize', '--flavor', 'm1.small', '--wait', 'osc-vm');
    const resized = await waitForStatus('osc-vm', 'VERIFY_RESIZE');
    assert.match(String(resized.flavor), /^m1\.small \(/);
    await os('server', 'resize', 'confirm', 'osc-vm');
    const confirmed = await waitForStatus('osc-vm', 'ACTIVE');
    assert.match(String(confirmed.flavor), /^m1\.small \(/);

    await os('server', 'delete', '--wait', 'osc-vm');
    const after = (await os('server', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(!after.some((s) => s.Name === 'osc-vm'), JSON.stringify(after));
  });

  it('aggregate create with a zone, add host, set, show, remove host, delete', async () => {
    const services = (await os('compute', 'service', 'list', '--service', 'nova-compute', '-f', 'json')) as { Host: string }[];
    const host = services[0]!.Host;
    const created = (await os('aggregate', 'create', 'osc-agg', '--zone', 'osc-az', '-f', 'json')) as Obj;
    assert.equal(created.availability_zone, 'osc-az');
    await os('aggregate', 'add', 'host', 'osc-agg', host, '-f', 'json');
    await os('aggregate', 'set', '--property', 'ssd=true', 'osc-agg');
    const shown = (await os('aggregate', 'show', 'osc-agg', '-f', 'json')) as Obj;
    assert.deepEqual(shown.hosts, [host]);
    assert.equal(shown.availability_zone, 'osc-az');
    assert.deepEqual(shown.properties, { ssd: 'true' }); // OSC leaves the mirrored availability_zone key out
    const zones = (await os('availability', 'zone', 'list', '--compute', '-f', 'json')) as { 'Zone Name': string }[];
    assert.ok(zones.some((z) => z['Zone Name'] === 'osc-az'), JSON.stringify(zones));
    await os('aggregate', 'remove', 'host', 'osc-agg', host, '-f', 'json');
    await os('aggregate', 'delete', 'osc-agg');
    const after = (await os('aggregate', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(!after.some((a) => a.Name === 'osc-agg'));
  });

  it('server group create, list, show, delete', async () => {
    const created = (await os('server', 'group', 'create', '--policy', 'anti-affinity', 'osc-group', '-f', 'json')) as Obj;
    assert.equal(created.policy, 'anti-affinity');
    assert.deepEqual(created.members, []);
    const list = (await os('server', 'group', 'list', '-f', 'json')) as { ID: string; Name: string; Policy: string }[];
    assert.ok(list.some((g) => g.ID === created.id && g.Policy === 'anti-affinity'), JSON.stringify(list));
    const shown = (await os('server', 'group', 'show', 'osc-group', '-f', 'json')) as Obj;
    assert.equal(shown.id, created.id);
    await os('server', 'group', 'delete', 'osc-group');
    const after = (await os('server', 'group', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(!after.some((g) => g.Name === 'osc-group'));
  });

  it('quota show and set for a project, and limits show --absolute', async () => {
    await os('project', 'create', 'osc-quota-project', '-f', 'json');
    const before = (await os('quota', 'show', 'osc-quota-project', '-f', 'json')) as Obj;
    assert.equal(before.instances, 10);
    assert.equal(before.cores, 20);
    assert.equal(before.ram, 51200);
    await os('quota', 'set', '--instances', '7', '--cores', '9', '--key-pairs', '3', 'osc-quota-project');
    const after = (await os('quota', 'show', 'osc-quota-project', '-f', 'json')) as Obj;
    assert.equal(after.instances, 7);
    assert.equal(after.cores, 9);
    assert.equal(after['key-pairs'], 3);
    assert.equal(after.ram, 51200);
    const limits = (await os('limits', 'show', '--absolute', '-f', 'json')) as { Name: string; Value: number }[];
    const value = (name: string) => limits.find((l) => l.Name === name)?.Value;
    assert.equal(typeof value('maxTotalInstances'), 'number', JSON.stringify(limits));
    assert.equal(value('totalInstancesUsed'), 0);
    assert.equal(typeof value('maxTotalKeypairs'), 'number');
    await os('project', 'delete', 'osc-quota-project');
  });
});
