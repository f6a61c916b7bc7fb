/**
 * GET /os-services (cinder/api/contrib/services.py index, admin only): the simulated services of
 * the reference cloud: one cinder-scheduler, one cinder-volume per backend (host@backend, its
 * zone, disabled when the backend is), and one cinder-backup (the backup-manager.ts jobs), all
 * up. Filters host and binary. Fields as Cinder's with os-extended-services loaded: 3.7+ cluster,
 * 3.49+ backend_state for volume services.
 */
import type { ApiRequest, Route } from '../../core/service';
import { isAdminAuth } from '../attachment-model';
import { cinderTime, json, policyDenied, qstr } from '../common';
import type { BlockStorageApi } from '../context';

interface ServiceRow { binary: string; host: string; zone: string; disabled: boolean }

const HOST = 'stackproof';

function services(api: BlockStorageApi): ServiceRow[] {
  const zone = api.topology.zones[0] ?? 'nova';
  const backends = api.store.db.prepare('SELECT host, availability_zone, disabled FROM backends ORDER BY host').all() as { host: string; availability_zone: string; disabled: number }[];
  const volumes = backends.length
    ? backends.map((b) => ({ binary: 'cinder-volume', host: b.host.split('#')[0], zone: b.availability_zone, disabled: b.disabled === 1 }))
    : api.topology.backends.map((b) => ({ binary: 'cinder-volume', host: b.host.split('#')[0], zone: b.zone, disabled: false }));
  return [
    { binary: 'cinder-scheduler', host: HOST, zone, disabled: false },
    ...volumes,
    { binary: 'cinder-backup', host: HOST, zone, disabled: false },
  ];
}

function index(api: BlockStorageApi, req: ApiRequest) {
  if (!isAdminAuth(req.auth)) throw policyDenied('volume_extension:services:index');
  const mv = req.microversion!;
  const host = qstr(req, 'host');
  const binary = qstr(req, 'binary');
  const now = cinderTime(api.now());
  const out = services(api).filter((s) => (host === undefined || s.host === host) && (binary === undefined || s.binary === binary)).map((s) => {
    const v: Record<string, unknown> = { binary: s.binary, host: s.host, zone: s.zone, status: s.disabled ? 'disabled' : 'enabled', state: 'up', updated_at: now };
    if (mv.atLeast('3.49') && s.binary === 'cinder-volume') v.backend_state = 'up';
    if (mv.atLeast('3.7')) v.cluster = null;
    v.disabled_reason = null;
    if (s.binary === 'cinder-volume') {
      v.replication_status = 'disabled';
      v.active_backend_id = null;
      v.frozen = false;
    }
    return v;
  });
  return json(200, { services: out });
}

export function serviceRoutes(api: BlockStorageApi): Route[] {
  return [{ method: 'GET', path: '/os-services', handler: (req) => index(api, req) }];
}
