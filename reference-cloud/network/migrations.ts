/** The network service's schema: every resource in one table (a JSON body per row, indexed by
 * kind, id and owner), IP and MAC allocations with uniqueness enforced by SQLite, quotas. */
import type { Migration } from '../core/store';

export const networkMigrations: Migration[] = [
  {
    version: 1,
    release: '2023.1',
    description: 'resources, ip allocations, mac addresses, quotas, default security groups',
    up: `
      CREATE TABLE resources (
        kind TEXT NOT NULL, id TEXT NOT NULL, project_id TEXT NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE INDEX resources_owner ON resources (kind, project_id, id);
      CREATE TABLE ip_allocations (
        network_id TEXT NOT NULL, subnet_id TEXT NOT NULL, ip_address TEXT NOT NULL, port_id TEXT NOT NULL,
        PRIMARY KEY (subnet_id, ip_address));
      CREATE INDEX ip_allocations_port ON ip_allocations (port_id);
      CREATE INDEX ip_allocations_network ON ip_allocations (network_id);
      CREATE TABLE mac_addresses (
        network_id TEXT NOT NULL, mac_address TEXT NOT NULL, port_id TEXT NOT NULL,
        PRIMARY KEY (network_id, mac_address));
      CREATE INDEX mac_addresses_port ON mac_addresses (port_id);
      CREATE TABLE quotas (project_id TEXT NOT NULL, resource TEXT NOT NULL, hard_limit INTEGER NOT NULL,
        PRIMARY KEY (project_id, resource));
      CREATE TABLE default_security_groups (project_id TEXT PRIMARY KEY, security_group_id TEXT NOT NULL);
    `,
  },
  {
    version: 2,
    release: '2023.1',
    description: 'indexes on the attributes most filtered and sorted by (name, network_id, device_id)',
    // The expressions are written exactly as collection.ts writes them, so SQLite uses the indexes.
    up: `
      CREATE INDEX resources_name ON resources (kind, json_extract(body, '$."name"'), id);
      CREATE INDEX resources_network ON resources (kind, json_extract(body, '$."network_id"'), id);
      CREATE INDEX resources_device ON resources (kind, json_extract(body, '$."device_id"'), id);
    `,
  },
];
