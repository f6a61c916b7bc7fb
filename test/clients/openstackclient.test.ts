/**
 * Real-client workflows: python-openstackclient, unmodified, against the reference cloud.
 * Skipped (with the reason) where the `openstack` command is not installed; .ci/run installs
 * Debian's python3-openstackclient.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPENSTACK, OSC_SKIP, run, useOscCloud } from './osc';

describe('python-openstackclient against the reference cloud', { skip: OSC_SKIP }, () => {
  const { os, dir, cloud } = useOscCloud();

  it('issues a token and lists the catalog', async () => {
    const token = (await os('token', 'issue', '-f', 'json')) as Record<string, string>;
    assert.match(token.id, /^[A-Za-z0-9_-]{40,}$/);
    assert.match(token.project_id, /^[0-9a-f]{32}$/);
    const catalog = (await os('catalog', 'list', '-f', 'json')) as { Type: string }[];
    assert.ok(catalog.some((s) => s.Type === 'identity'), 'the catalog lists identity');
  });

  it('creates, lists and deletes projects, users, groups and role assignments', async () => {
    const project = (await os('project', 'create', 'osc-project', '--description', 'made by openstackclient', '-f', 'json')) as Record<string, string>;
    assert.equal(project.name, 'osc-project');
    const user = (await os('user', 'create', 'osc-user', '--password', 'osc-secret-1', '--project', project.id, '-f', 'json')) as Record<string, string>;
    assert.equal(user.name, 'osc-user');
    const group = (await os('group', 'create', 'osc-group', '-f', 'json')) as Record<string, string>;
    await os('group', 'add', 'user', 'osc-group', 'osc-user');
    await os('role', 'add', '--project', 'osc-project', '--user', 'osc-user', 'member');
    await os('role', 'add', '--project', 'osc-project', '--group', 'osc-group', 'reader');
    const assignments = (await os('role', 'assignment', 'list', '--project', 'osc-project', '--names', '-f', 'json')) as { Role: string; User: string; Group: string }[];
    assert.ok(assignments.some((a) => a.Role === 'member' && a.User.startsWith('osc-user')), JSON.stringify(assignments));
    assert.ok(assignments.some((a) => a.Role === 'reader' && a.Group.startsWith('osc-group')), JSON.stringify(assignments));
    const projects = (await os('project', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(projects.some((p) => p.Name === 'osc-project'));
    const users = (await os('user', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(users.some((u) => u.Name === 'osc-user'));

    const role = (await os('role', 'create', 'osc-role', '-f', 'json')) as Record<string, string>;
    assert.equal(role.name, 'osc-role');
    await os('role', 'delete', 'osc-role');
    await os('role', 'remove', '--project', 'osc-project', '--user', 'osc-user', 'member');
    await os('group', 'remove', 'user', 'osc-group', 'osc-user');
    await os('group', 'delete', group.id);
    await os('user', 'delete', user.id);
    await os('project', 'delete', project.id);
    const after = (await os('project', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(!after.some((p) => p.Name === 'osc-project'), 'the project is gone');
  });

  it('creates an application credential whose secret authenticates', async () => {
    const cred = (await os('application', 'credential', 'create', 'osc-appcred', '-f', 'json')) as Record<string, string>;
    assert.ok(cred.secret && cred.secret.length >= 32, 'the secret is shown once, at creation');
    const listed = (await os('application', 'credential', 'list', '-f', 'json')) as { Name: string }[];
    assert.ok(listed.some((c) => c.Name === 'osc-appcred'));
    const { stdout } = await run(OPENSTACK!, ['--os-auth-type', 'v3applicationcredential', '--os-auth-url', cloud().authUrl,
      '--os-application-credential-id', cred.id, '--os-application-credential-secret', cred.secret, 'token', 'issue', '-f', 'json'], {
      env: { PATH: `/usr/bin:${process.env.PATH}`, HOME: dir() }, timeout: 60_000,
    });
    assert.match((JSON.parse(stdout) as Record<string, string>).id, /^[A-Za-z0-9_-]{40,}$/);
    await os('application', 'credential', 'delete', 'osc-appcred');
  });
});
