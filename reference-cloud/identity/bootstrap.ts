/**
 * Bootstrap, like `keystone-manage bootstrap` plus what DevStack adds: the Default domain,
 * the roles reader < member < manager < admin and service, the admin, service and demo
 * projects, the admin user (admin on the admin project and on the system), the demo user,
 * and the service user other services authenticate with. Idempotent; a changed admin
 * password in the configuration is applied, as bootstrap does.
 */
import type { IdentityBackend } from './backend';
import { DEFAULT_DOMAIN_ID } from './models/resource';
import type { RoleRow } from './models/assignment';
import type { UserRow } from './models/identity';
import { verifyPassword } from './passwords';

export const SERVICE_USER = 'stackproof';

export async function bootstrap(b: IdentityBackend, adminPassword: string, servicePassword: string): Promise<void> {
  const r = b.resource;
  if (!r.findDomain(DEFAULT_DOMAIN_ID)) {
    r.createDomain({ id: DEFAULT_DOMAIN_ID, name: 'Default', description: 'The default domain' });
  }
  const role = (name: string): RoleRow =>
    b.assignment.findRoleByName(name) ?? b.assignment.createRole({ name, options: ['admin', 'member', 'reader'].includes(name) ? { immutable: true } : {} });
  const [reader, member, manager, admin, service] = ['reader', 'member', 'manager', 'admin', 'service'].map(role);
  for (const [prior, implied] of [[admin, manager], [manager, member], [member, reader]]) {
    if (!b.assignment.hasImplied(prior.id, implied.id)) b.assignment.addImplied(prior.id, implied.id);
  }
  const project = (name: string, description: string) =>
    r.findProjectByName(DEFAULT_DOMAIN_ID, name) ?? r.createProject({ name, domainId: DEFAULT_DOMAIN_ID, description });
  const adminProject = project('admin', 'Bootstrap project for initializing the cloud.');
  const serviceProject = project('service', 'Project of the services\' own users.');
  const demoProject = project('demo', 'A project for trying the cloud as an ordinary member.');

  const user = async (name: string, password: string, defaultProjectId: string): Promise<UserRow> => {
    const existing = b.identity.findUserByName(DEFAULT_DOMAIN_ID, name);
    if (!existing) {
      return b.identity.createUser({ name, domainId: DEFAULT_DOMAIN_ID, defaultProjectId, passwordHash: await b.hash(password) }, b.now());
    }
    if (!existing.password_hash || !(await verifyPassword(password, existing.password_hash))) {
      return b.identity.updateUser(existing.id, { passwordHash: await b.hash(password), enabled: true }, b.now());
    }
    return existing;
  };
  const [adminUser, demoUser, serviceUser] = await Promise.all([
    user('admin', adminPassword, adminProject.id),
    user('demo', adminPassword, demoProject.id),
    user(SERVICE_USER, servicePassword, serviceProject.id),
  ]);
  b.store.tx(() => {
    b.assignment.grant('UserProject', adminUser.id, adminProject.id, admin.id);
    b.assignment.grant('UserSystem', adminUser.id, 'system', admin.id);
    b.assignment.grant('UserProject', demoUser.id, demoProject.id, member.id);
    b.assignment.grant('UserProject', serviceUser.id, serviceProject.id, service.id);
    b.assignment.grant('UserProject', serviceUser.id, serviceProject.id, admin.id);
  });
  b.changed();
}
