/**
 * Nova's databases, as Nova splits them:
 *
 * - the API database (`compute` store, nova_api in Nova): flavors, keypairs, aggregates, server
 *   groups, quotas, the cell and host mappings, one instance mapping per server, the request
 *   specs and build requests of servers not yet scheduled; plus Placement's part (resource
 *   providers and allocations), kept here so that a scheduling claim and the quota count are one
 *   SQLite transaction;
 * - one database per cell (`compute-cell0`, `compute-cell1`...): instances and everything hanging
 *   off them (metadata, tags, faults, actions, network info, block devices, migrations), and the
 *   cell's services and compute nodes. cell0 holds the instances that never scheduled.
 *
 * Timestamps are stored as full ISO strings (milliseconds, Z) and formatted on the way out as
 * Nova formats each field. Booleans are 0/1. JSON columns hold what Nova keeps as JSON blobs.
 */
import type { Migration } from '../core/store';
import { workQueueMigration } from '../core/work-queue';

export const apiMigrations: Migration[] = [
  {
    version: 1,
    release: '2024.1',
    description: 'nova_api: mappings, flavors, keypairs, aggregates, server groups, quotas, placement',
    up: `
      CREATE TABLE cell_mappings (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,
        disabled INTEGER NOT NULL DEFAULT 0,
        -- Set by the control plane: the cell's database answers nothing (a cell outage).
        down INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE host_mappings (
        id INTEGER PRIMARY KEY, host TEXT NOT NULL UNIQUE, cell_id INTEGER NOT NULL REFERENCES cell_mappings(id));
      CREATE TABLE instance_mappings (
        id INTEGER PRIMARY KEY, instance_uuid TEXT NOT NULL UNIQUE,
        cell_id INTEGER REFERENCES cell_mappings(id),        -- NULL until scheduled (a build request)
        project_id TEXT NOT NULL, user_id TEXT NOT NULL,
        -- What quotas count (instances, cores, ram), kept with the mapping so that the count and
        -- the insert of a create are one transaction. During a resize: the larger of both flavors.
        vcpus INTEGER NOT NULL DEFAULT 0, memory_mb INTEGER NOT NULL DEFAULT 0,
        queued_for_delete INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL);
      CREATE INDEX instance_mappings_project ON instance_mappings (project_id, queued_for_delete);
      -- The scheduling request of a server: flavor, image, zone, hints, group, networks (JSON).
      CREATE TABLE request_specs (instance_uuid TEXT PRIMARY KEY, spec TEXT NOT NULL);
      -- A server accepted and not yet in a cell: the instance as the API shows it (JSON).
      CREATE TABLE build_requests (
        instance_uuid TEXT PRIMARY KEY, project_id TEXT NOT NULL, instance TEXT NOT NULL, created_at TEXT NOT NULL);

      CREATE TABLE flavors (
        id INTEGER PRIMARY KEY, flavorid TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,
        memory_mb INTEGER NOT NULL, vcpus INTEGER NOT NULL, root_gb INTEGER NOT NULL,
        ephemeral_gb INTEGER NOT NULL DEFAULT 0, swap INTEGER NOT NULL DEFAULT 0,
        rxtx_factor REAL NOT NULL DEFAULT 1.0, is_public INTEGER NOT NULL DEFAULT 1,
        disabled INTEGER NOT NULL DEFAULT 0, description TEXT,
        created_at TEXT NOT NULL, updated_at TEXT);
      CREATE TABLE flavor_extra_specs (
        flavor_id INTEGER NOT NULL REFERENCES flavors(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (flavor_id, key));
      CREATE TABLE flavor_projects (
        flavor_id INTEGER NOT NULL REFERENCES flavors(id) ON DELETE CASCADE, project_id TEXT NOT NULL,
        PRIMARY KEY (flavor_id, project_id));

      CREATE TABLE key_pairs (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, user_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
        public_key TEXT NOT NULL, type TEXT NOT NULL DEFAULT 'ssh', created_at TEXT NOT NULL, updated_at TEXT,
        UNIQUE (user_id, name));

      CREATE TABLE aggregates (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL, updated_at TEXT);
      CREATE TABLE aggregate_hosts (
        aggregate_id INTEGER NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE, host TEXT NOT NULL,
        PRIMARY KEY (aggregate_id, host));
      CREATE INDEX aggregate_hosts_host ON aggregate_hosts (host);
      CREATE TABLE aggregate_metadata (
        aggregate_id INTEGER NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (aggregate_id, key));

      CREATE TABLE instance_groups (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, name TEXT NOT NULL, project_id TEXT NOT NULL,
        user_id TEXT NOT NULL, policy TEXT NOT NULL, rules TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL);
      CREATE INDEX instance_groups_project ON instance_groups (project_id);
      CREATE TABLE instance_group_members (
        group_id INTEGER NOT NULL REFERENCES instance_groups(id) ON DELETE CASCADE, instance_uuid TEXT NOT NULL,
        PRIMARY KEY (group_id, instance_uuid));
      CREATE INDEX instance_group_members_instance ON instance_group_members (instance_uuid);

      -- Project limits that differ from the defaults (os-quota-sets PUT).
      CREATE TABLE quotas (
        project_id TEXT NOT NULL, resource TEXT NOT NULL, hard_limit INTEGER NOT NULL,
        PRIMARY KEY (project_id, resource));

      -- Placement: one resource provider per compute node, and what each consumer holds on it.
      CREATE TABLE resource_providers (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, host TEXT NOT NULL UNIQUE,
        vcpus INTEGER NOT NULL, memory_mb INTEGER NOT NULL, disk_gb INTEGER NOT NULL,
        cpu_allocation_ratio REAL NOT NULL, ram_allocation_ratio REAL NOT NULL, disk_allocation_ratio REAL NOT NULL,
        reserved_memory_mb INTEGER NOT NULL DEFAULT 0, reserved_disk_gb INTEGER NOT NULL DEFAULT 0);
      -- consumer_uuid: an instance, or a migration (the source host's share during a resize).
      CREATE TABLE allocations (
        consumer_uuid TEXT NOT NULL, host TEXT NOT NULL REFERENCES resource_providers(host),
        vcpus INTEGER NOT NULL, memory_mb INTEGER NOT NULL, disk_gb INTEGER NOT NULL,
        project_id TEXT NOT NULL, user_id TEXT NOT NULL,
        PRIMARY KEY (consumer_uuid, host));
      CREATE INDEX allocations_host ON allocations (host);
    `,
  },
  workQueueMigration(2, '2024.1'),
  {
    version: 3,
    release: '2024.1',
    description: 'placement: usage per resource provider, kept by triggers on allocations (the scheduler reads it instead of summing allocations)',
    up: `
      CREATE TABLE provider_usages (
        host TEXT PRIMARY KEY, vcpus INTEGER NOT NULL DEFAULT 0, memory_mb INTEGER NOT NULL DEFAULT 0, disk_gb INTEGER NOT NULL DEFAULT 0);
      INSERT INTO provider_usages (host, vcpus, memory_mb, disk_gb)
        SELECT host, SUM(vcpus), SUM(memory_mb), SUM(disk_gb) FROM allocations GROUP BY host;
      CREATE TRIGGER allocations_usage_insert AFTER INSERT ON allocations BEGIN
        INSERT INTO provider_usages (host, vcpus, memory_mb, disk_gb) VALUES (NEW.host, NEW.vcpus, NEW.memory_mb, NEW.disk_gb)
          ON CONFLICT (host) DO UPDATE SET vcpus = vcpus + NEW.vcpus, memory_mb = memory_mb + NEW.memory_mb, disk_gb = disk_gb + NEW.disk_gb;
      END;
      CREATE TRIGGER allocations_usage_delete AFTER DELETE ON allocations BEGIN
        UPDATE provider_usages SET vcpus = vcpus - OLD.vcpus, memory_mb = memory_mb - OLD.memory_mb, disk_gb = disk_gb - OLD.disk_gb
          WHERE host = OLD.host;
      END;
      CREATE TRIGGER allocations_usage_update AFTER UPDATE ON allocations BEGIN
        UPDATE provider_usages SET vcpus = vcpus - OLD.vcpus, memory_mb = memory_mb - OLD.memory_mb, disk_gb = disk_gb - OLD.disk_gb
          WHERE host = OLD.host;
        INSERT INTO provider_usages (host, vcpus, memory_mb, disk_gb) VALUES (NEW.host, NEW.vcpus, NEW.memory_mb, NEW.disk_gb)
          ON CONFLICT (host) DO UPDATE SET vcpus = vcpus + NEW.vcpus, memory_mb = memory_mb + NEW.memory_mb, disk_gb = disk_gb + NEW.disk_gb;
      END;
    `,
  },
];

export const cellMigrations: Migration[] = [
  {
    version: 1,
    release: '2024.1',
    description: 'nova cell database: instances, services, compute nodes',
    up: `
      CREATE TABLE instances (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL, user_id TEXT NOT NULL,
        display_name TEXT NOT NULL, display_description TEXT, hostname TEXT NOT NULL,
        host TEXT, node TEXT, availability_zone TEXT,
        vm_state TEXT NOT NULL, task_state TEXT, power_state INTEGER NOT NULL DEFAULT 0,
        -- Flavors as embedded in the instance (JSON: flavorid, name, vcpus, memory_mb, root_gb,
        -- ephemeral_gb, swap, rxtx_factor, is_public, extra_specs, description); old/new during a resize.
        flavor TEXT NOT NULL, old_flavor TEXT, new_flavor TEXT,
        image_ref TEXT NOT NULL DEFAULT '', key_name TEXT, key_data TEXT, user_data TEXT,
        config_drive TEXT NOT NULL DEFAULT '', access_ip_v4 TEXT, access_ip_v6 TEXT,
        locked INTEGER NOT NULL DEFAULT 0, locked_by TEXT, locked_reason TEXT,
        reservation_id TEXT NOT NULL, launch_index INTEGER NOT NULL DEFAULT 0,
        root_device_name TEXT, kernel_id TEXT NOT NULL DEFAULT '', ramdisk_id TEXT NOT NULL DEFAULT '',
        progress INTEGER NOT NULL DEFAULT 0,
        -- Security group names requested at create (JSON list).
        security_groups TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL, updated_at TEXT, launched_at TEXT, terminated_at TEXT,
        deleted_at TEXT, deleted INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX instances_project ON instances (project_id, deleted, created_at);
      CREATE INDEX instances_created ON instances (deleted, created_at);
      CREATE INDEX instances_host ON instances (host, deleted);
      CREATE TABLE instance_metadata (
        instance_uuid TEXT NOT NULL REFERENCES instances(uuid) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (instance_uuid, key));
      CREATE TABLE tags (
        resource_id TEXT NOT NULL REFERENCES instances(uuid) ON DELETE CASCADE, tag TEXT NOT NULL,
        PRIMARY KEY (resource_id, tag));
      CREATE INDEX tags_tag ON tags (tag);
      CREATE TABLE instance_faults (
        id INTEGER PRIMARY KEY, instance_uuid TEXT NOT NULL REFERENCES instances(uuid) ON DELETE CASCADE,
        code INTEGER NOT NULL, message TEXT NOT NULL, details TEXT NOT NULL DEFAULT '', host TEXT, created_at TEXT NOT NULL);
      CREATE INDEX instance_faults_instance ON instance_faults (instance_uuid);
      CREATE TABLE instance_actions (
        id INTEGER PRIMARY KEY, action TEXT NOT NULL, instance_uuid TEXT NOT NULL, request_id TEXT NOT NULL,
        user_id TEXT NOT NULL, project_id TEXT NOT NULL, start_time TEXT NOT NULL, finish_time TEXT,
        message TEXT, updated_at TEXT);
      CREATE INDEX instance_actions_instance ON instance_actions (instance_uuid, start_time);
      CREATE TABLE instance_actions_events (
        id INTEGER PRIMARY KEY, action_id INTEGER NOT NULL REFERENCES instance_actions(id) ON DELETE CASCADE,
        event TEXT NOT NULL, start_time TEXT NOT NULL, finish_time TEXT, result TEXT, traceback TEXT,
        host TEXT, details TEXT);
      -- Ports of the instance as the network service described them (JSON list of
      -- {port_id, net_id, network_name, mac_addr, fixed_ips: [{ip_address, subnet_id, version}], tag}).
      CREATE TABLE instance_info_caches (
        instance_uuid TEXT PRIMARY KEY REFERENCES instances(uuid) ON DELETE CASCADE, network_info TEXT NOT NULL DEFAULT '[]');
      CREATE TABLE block_device_mapping (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,
        instance_uuid TEXT NOT NULL REFERENCES instances(uuid) ON DELETE CASCADE,
        source_type TEXT NOT NULL, destination_type TEXT NOT NULL, boot_index INTEGER,
        device_name TEXT, volume_id TEXT, image_id TEXT, volume_size INTEGER,
        delete_on_termination INTEGER NOT NULL DEFAULT 0, attachment_id TEXT, tag TEXT,
        created_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX bdm_instance ON block_device_mapping (instance_uuid, deleted);
      CREATE TABLE migrations (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, instance_uuid TEXT NOT NULL,
        source_compute TEXT, dest_compute TEXT, source_node TEXT, dest_node TEXT,
        old_flavor_id TEXT, new_flavor_id TEXT, migration_type TEXT NOT NULL, status TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT);
      CREATE INDEX migrations_instance ON migrations (instance_uuid);

      CREATE TABLE services (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, host TEXT NOT NULL, binary TEXT NOT NULL,
        topic TEXT, disabled INTEGER NOT NULL DEFAULT 0, disabled_reason TEXT,
        forced_down INTEGER NOT NULL DEFAULT 0, last_seen_up TEXT, report_count INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 66, created_at TEXT NOT NULL, updated_at TEXT,
        UNIQUE (host, binary));
      CREATE TABLE compute_nodes (
        id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, service_id INTEGER NOT NULL REFERENCES services(id),
        host TEXT NOT NULL UNIQUE, hypervisor_hostname TEXT NOT NULL, hypervisor_type TEXT NOT NULL DEFAULT 'fake',
        hypervisor_version INTEGER NOT NULL DEFAULT 1000, host_ip TEXT NOT NULL,
        vcpus INTEGER NOT NULL, memory_mb INTEGER NOT NULL, local_gb INTEGER NOT NULL,
        cpu_info TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL, updated_at TEXT);
    `,
  },
  workQueueMigration(2, '2024.1'),
  {
    version: 3,
    release: '2024.1',
    description: "nova cell database: instance system metadata (what Nova keeps for itself, e.g. a shelved server's image)",
    up: `
      CREATE TABLE instance_system_metadata (
        instance_uuid TEXT NOT NULL REFERENCES instances(uuid) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (instance_uuid, key));
    `,
  },
];
