import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, loadTarget, writeCloudsYaml, type Target } from '../../../harness/config';

let dir: string;
let home: string;
let cwd: string;

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const CLOUDS = `
clouds:
  lab:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: publicURL
  other:
    auth_type: v3applicationcredential
    auth:
      auth-url: https://cloud.example/identity
      application_credential_id: ac1
      application_credential_secret: s3cret
    verify: false
`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-config-'));
  home = path.join(dir, 'home');
  cwd = path.join(dir, 'cwd');
  fs.mkdirSync(home);
  fs.mkdirSync(cwd);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadTarget', () => {
  test('returns undefined when nothing is configured', () => {
    write(path.join(cwd, 'clouds.yaml'), CLOUDS);
    assert.equal(loadTarget({ env: { HOME: home }, searchPath: [cwd] }), undefined);
  });

  test('reads the cloud named by OS_CLOUD from the first clouds.yaml on the search path and merges secure.yaml', () => {
    write(path.join(cwd, 'clouds.yaml'), CLOUDS);
    write(path.join(home, '.config/openstack/clouds.yaml'), 'clouds: {lab: {auth: {auth_url: http://wrong/v3}}}');
    write(path.join(home, '.config/openstack/secure.yaml'), 'clouds:\n  lab:\n    auth:\n      password: hunter2\n');
    const t = loadTarget({ env: { OS_CLOUD: 'lab', HOME: home }, searchPath: [cwd, path.join(home, '.config/openstack')] });
    assert.deepEqual(t, {
      name: 'lab',
      authType: 'password',
      auth: {
        authUrl: 'http://127.0.0.1:5000/v3',
        username: 'admin',
        password: 'hunter2',
        projectName: 'admin',
        userDomainName: 'Default',
        projectDomainName: 'Default',
      },
      regionName: 'RegionOne',
      interface: 'public',
      verify: true,
    } satisfies Target);
  });

  test('uses the default search path: ./, ~/.config/openstack, /etc/openstack', () => {
    write(path.join(home, '.config/openstack/clouds.yaml'), CLOUDS.replace('username: admin', 'username: fromhome\n      password: p'));
    const prev = process.cwd();
    process.chdir(cwd);
    try {
      const t = loadTarget({ cloud: 'lab', env: { HOME: home } });
      assert.equal(t?.auth.username, 'fromhome');
    } finally {
      process.chdir(prev);
    }
  });

  test('OS_CLIENT_CONFIG_FILE wins over the search path; opts.cloud wins over OS_CLOUD', () => {
    write(path.join(cwd, 'clouds.yaml'), CLOUDS);
    const special = write(path.join(dir, 'special.yaml'), CLOUDS.replace('ac1', 'ac-special'));
    const t = loadTarget({
      cloud: 'other',
      env: { OS_CLOUD: 'lab', OS_CLIENT_CONFIG_FILE: special, HOME: home },
      searchPath: [cwd],
    });
    assert.equal(t?.authType, 'application_credential');
    assert.equal(t?.auth.applicationCredentialId, 'ac-special');
    assert.equal(t?.auth.authUrl, 'https://cloud.example/identity');
    assert.equal(t?.verify, false);
    assert.equal(t?.interface, 'public');
  });

  test('OS_CLIENT_SECURE_FILE supplies secrets', () => {
    write(path.join(cwd, 'clouds.yaml'), CLOUDS);
    const sec = write(path.join(dir, 'sec.yaml'), 'clouds: {lab: {auth: {password: fromsecure}}}');
    const t = loadTarget({ cloud: 'lab', env: { OS_CLIENT_SECURE_FILE: sec }, searchPath: [cwd] });
    assert.equal(t?.auth.password, 'fromsecure');
  });

  test('a missing named cloud is a ConfigError naming the file and the clouds it defines', () => {
    const file = write(path.join(cwd, 'clouds.yaml'), CLOUDS);
    assert.throws(
      () => loadTarget({ env: { OS_CLOUD: 'nope' }, searchPath: [cwd] }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message === `OS_CLOUD names cloud 'nope', which is not defined in ${file} (defined: lab, other).`,
    );
  });

  test('a named cloud without any clouds.yaml is a ConfigError', () => {
    assert.throws(() => loadTarget({ cloud: 'lab', env: {}, searchPath: [cwd] }), {
      name: 'ConfigError',
      message: new RegExp(`^Cloud 'lab' cannot be found: there is no clouds.yaml \\(searched ${cwd}\\)\\.$`),
    });
  });

  test('malformed entries are ConfigErrors with one sentence', () => {
    write(
      path.join(cwd, 'clouds.yaml'),
      [
        'clouds:',
        '  nourl: {auth: {username: u, password: p}}',
        '  badiface: {auth: {auth_url: http://x/v3, username: u, password: p}, interface: sideways}',
        '  badtype: {auth_type: v3oidcpassword, auth: {auth_url: http://x/v3}}',
        '  nopass: {auth: {auth_url: http://x/v3, username: u}}',
        '  notmap: 42',
      ].join('\n'),
    );
    const cases: [string, RegExp][] = [
      ['nourl', /^Cloud 'nourl' has no auth\.auth_url\.$/],
      ['badiface', /^Cloud 'badiface' has interface 'sideways'; expected public, internal or admin/],
      ['badtype', /^Cloud 'badtype' has auth_type 'v3oidcpassword', which Stackproof does not support/],
      ['nopass', /^Cloud 'nopass' uses password authentication but has no password\.$/],
      ['notmap', /^Cloud 'notmap' in .* is not a mapping\.$/],
    ];
    for (const [cloud, message] of cases) {
      assert.throws(() => loadTarget({ cloud, env: {}, searchPath: [cwd] }), { name: 'ConfigError', message });
    }
  });

  test('invalid YAML is a ConfigError', () => {
    write(path.join(cwd, 'clouds.yaml'), 'clouds: [unclosed');
    assert.throws(() => loadTarget({ cloud: 'lab', env: {}, searchPath: [cwd] }), {
      name: 'ConfigError',
      message: /clouds\.yaml is not valid YAML/,
    });
  });

  test('domain_name with a project scope stands for both user and project domain', () => {
    write(
      path.join(cwd, 'clouds.yaml'),
      'clouds: {d: {auth: {auth_url: http://x/v3, username: u, password: p, project_name: pr, domain_name: Dom, user_domain_id: uid}}}',
    );
    const t = loadTarget({ cloud: 'd', env: {}, searchPath: [cwd] })!;
    assert.equal(t.auth.projectDomainName, 'Dom');
    assert.equal(t.auth.userDomainName, 'Dom');
    assert.equal(t.auth.userDomainId, 'uid');
    assert.equal(t.auth.domainName, undefined);
  });
});

describe('loadTarget from OS_* variables', () => {
  test('builds the envvars target when no cloud is named and OS_AUTH_URL is set', () => {
    const t = loadTarget({
      env: {
        OS_AUTH_URL: 'http://127.0.0.1:5000',
        OS_USERNAME: 'demo',
        OS_PASSWORD: 'pw',
        OS_TENANT_NAME: 'demo-project',
        OS_USER_DOMAIN_ID: 'default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
        OS_REGION_NAME: 'RegionTwo',
        OS_INTERFACE: 'internalURL',
        OS_CACERT: '/etc/ssl/ca.pem',
      },
      searchPath: [cwd],
    });
    assert.deepEqual(t, {
      name: 'envvars',
      authType: 'password',
      auth: {
        authUrl: 'http://127.0.0.1:5000',
        username: 'demo',
        password: 'pw',
        projectName: 'demo-project',
        userDomainId: 'default',
        projectDomainName: 'Default',
      },
      regionName: 'RegionTwo',
      interface: 'internal',
      verify: true,
      cacert: '/etc/ssl/ca.pem',
    } satisfies Target);
  });

  test('token, application credential, system scope and OS_INSECURE', () => {
    const token = loadTarget({ env: { OS_AUTH_URL: 'http://k/v3', OS_AUTH_TYPE: 'v3token', OS_TOKEN: 'tok', OS_PROJECT_ID: 'p1', OS_INSECURE: 'true' } })!;
    assert.equal(token.authType, 'token');
    assert.equal(token.auth.token, 'tok');
    assert.equal(token.auth.projectId, 'p1');
    assert.equal(token.verify, false);

    const ac = loadTarget({
      env: { OS_AUTH_URL: 'http://k/v3', OS_APPLICATION_CREDENTIAL_ID: 'id1', OS_APPLICATION_CREDENTIAL_SECRET: 's' },
    })!;
    assert.equal(ac.authType, 'application_credential', 'inferred from the secret when OS_AUTH_TYPE is unset');

    const sys = loadTarget({
      env: { OS_AUTH_URL: 'http://k/v3', OS_USER_ID: 'u1', OS_PASSWORD: 'p', OS_SYSTEM_SCOPE: 'all', OS_DOMAIN_ID: 'd' },
    })!;
    assert.equal(sys.auth.systemScope, 'all');
    assert.equal(sys.auth.domainId, 'd', 'without a project, OS_DOMAIN_ID stays the domain scope');
  });

  test('an incomplete environment is a ConfigError about the environment', () => {
    assert.throws(() => loadTarget({ env: { OS_AUTH_URL: 'http://k/v3', OS_USERNAME: 'u' } }), {
      name: 'ConfigError',
      message: 'The OS_* environment uses password authentication but has no password.',
    });
  });
});

describe('writeCloudsYaml', () => {
  const target: Target = {
    name: 'stackproof',
    authType: 'password',
    auth: { authUrl: 'http://127.0.0.1:5000/v3', username: 'admin', password: 'pw', projectName: 'admin', userDomainName: 'Default', projectDomainName: 'Default' },
    regionName: 'RegionOne',
    interface: 'public',
    verify: true,
  };

  test('adds one cloud, keeps the others and their comments, writes mode 0600, and reads back the same target', () => {
    const file = write(path.join(cwd, 'clouds.yaml'), `# my clouds\n${CLOUDS}`);
    fs.chmodSync(file, 0o644);
    writeCloudsYaml(file, 'stackproof', target);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^# my clouds/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const doc = parse(text) as { clouds: Record<string, unknown> };
    assert.deepEqual(Object.keys(doc.clouds), ['lab', 'other', 'stackproof']);
    const back = loadTarget({ cloud: 'stackproof', env: { OS_CLIENT_CONFIG_FILE: file }, searchPath: [] });
    assert.deepEqual(back, target);
  });

  test('replaces an existing entry and creates a missing file', () => {
    const file = path.join(dir, 'new', 'clouds.yaml');
    writeCloudsYaml(file, 'x', target);
    writeCloudsYaml(file, 'x', { ...target, authType: 'token', auth: { authUrl: 'http://k/v3', token: 't' }, verify: false });
    const back = loadTarget({ cloud: 'x', env: { OS_CLIENT_CONFIG_FILE: file }, searchPath: [] })!;
    assert.equal(back.authType, 'token');
    assert.equal(back.auth.username, undefined);
    assert.equal(back.verify, false);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  test('refuses to touch a file that is not valid YAML', () => {
    const file = write(path.join(cwd, 'clouds.yaml'), 'clouds: [oops');
    assert.throws(() => writeCloudsYaml(file, 'x', target), { name: 'ConfigError' });
    assert.equal(fs.readFileSync(file, 'utf8'), 'clouds: [oops');
  });
});
