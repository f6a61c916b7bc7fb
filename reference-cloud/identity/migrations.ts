import type { Migration } from '../core/store';

export const identityMigrations: Migration[] = [
  {
    version: 1,
    release: '2024.1',
    description: 'initial identity schema',
    up: `
      CREATE TABLE domains (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL DEFAULT '',
        enabled INTEGER NOT NULL DEFAULT 1, extra TEXT NOT NULL DEFAULT '{}', tags TEXT NOT NULL DEFAULT '[]',
        options TEXT NOT NULL DEFAULT '{}');
      CREATE TABLE projects (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domains(id),
        parent_id TEXT, description TEXT NOT NULL DEFAULT '', enabled INTEGER NOT NULL DEFAULT 1,
        extra TEXT NOT NULL DEFAULT '{}', tags TEXT NOT NULL DEFAULT '[]', options TEXT NOT NULL DEFAULT '{}',
        UNIQUE (domain_id, name));
      CREATE INDEX projects_parent ON projects(parent_id);
      CREATE TABLE users (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domains(id),
        enabled INTEGER NOT NULL DEFAULT 1, default_project_id TEXT, description TEXT,
        extra TEXT NOT NULL DEFAULT '{}', options TEXT NOT NULL DEFAULT '{}',
        password_hash TEXT, password_created_at TEXT, password_expires_at TEXT,
        created_at TEXT NOT NULL, last_active_at TEXT, UNIQUE (domain_id, name));
      CREATE TABLE groups (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domains(id),
        description TEXT NOT NULL DEFAULT '', extra TEXT NOT NULL DEFAULT '{}', UNIQUE (domain_id, name));
      CREATE TABLE user_group_membership (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE, PRIMARY KEY (user_id, group_id));
      CREATE INDEX membership_group ON user_group_membership(group_id);
      CREATE TABLE roles (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL DEFAULT '<<null>>',
        description TEXT, extra TEXT NOT NULL DEFAULT '{}', options TEXT NOT NULL DEFAULT '{}',
        UNIQUE (name, domain_id));
      CREATE TABLE implied_roles (
        prior_role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        implied_role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        PRIMARY KEY (prior_role_id, implied_role_id));
      CREATE TABLE assignments (
        type TEXT NOT NULL, actor_id TEXT NOT NULL, target_id TEXT NOT NULL,
        role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE, inherited INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (type, actor_id, target_id, role_id, inherited));
      CREATE INDEX assignments_actor ON assignments(actor_id);
      CREATE INDEX assignments_target ON assignments(target_id);
      CREATE TABLE regions (
        id TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '', parent_region_id TEXT REFERENCES regions(id),
        extra TEXT NOT NULL DEFAULT '{}');
      CREATE TABLE services (
        id TEXT PRIMARY KEY, type TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, name TEXT,
        description TEXT, extra TEXT NOT NULL DEFAULT '{}');
      CREATE TABLE endpoints (
        id TEXT PRIMARY KEY, service_id TEXT NOT NULL REFERENCES services(id), interface TEXT NOT NULL,
        url TEXT NOT NULL, region_id TEXT REFERENCES regions(id), enabled INTEGER NOT NULL DEFAULT 1,
        extra TEXT NOT NULL DEFAULT '{}', managed INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE application_credentials (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, description TEXT,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, project_id TEXT,
        system TEXT, expires_at TEXT, unrestricted INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
        UNIQUE (user_id, name));
      CREATE TABLE application_credential_roles (
        application_credential_id TEXT NOT NULL REFERENCES application_credentials(id) ON DELETE CASCADE,
        role_id TEXT NOT NULL, PRIMARY KEY (application_credential_id, role_id));
      CREATE TABLE registered_limits (
        id TEXT PRIMARY KEY, service_id TEXT NOT NULL REFERENCES services(id), region_id TEXT,
        resource_name TEXT NOT NULL, default_limit INTEGER NOT NULL, description TEXT,
        UNIQUE (service_id, region_id, resource_name));
      CREATE TABLE limits (
        id TEXT PRIMARY KEY, project_id TEXT, domain_id TEXT, service_id TEXT NOT NULL REFERENCES services(id),
        region_id TEXT, resource_name TEXT NOT NULL, resource_limit INTEGER NOT NULL, description TEXT);
      CREATE TABLE revocation_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, audit_id TEXT, user_id TEXT, project_id TEXT, domain_id TEXT,
        issued_before TEXT NOT NULL, revoked_at TEXT NOT NULL);
    `,
  },
  {
    version: 2,
    release: '2024.1',
    description: 'application credential access rules; unrestricted left unset',
    up: `
      ALTER TABLE application_credentials ADD COLUMN access_rules TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE application_credentials ADD COLUMN unrestricted_explicit INTEGER NOT NULL DEFAULT 1;
    `,
  },
];
