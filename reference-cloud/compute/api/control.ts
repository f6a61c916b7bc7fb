/**
 * The control plane (not Nova's API; below /compute/control, no microversion): cells as the
 * reference cloud runs them, and the switch that takes a cell down (its database then answers
 * nothing, as in a real cell outage) or brings it back. Admin only.
 *
 *   GET /control/cells               → {"cells": [{"name", "uuid", "down", "hosts": [...]}]}
 *   PUT /control/cells/{name}        {"cell": {"down": true|false}} → 200 {"cell": {...}}
 *   GET /control/scheduler           → {"scheduler": {"enabled_filters": [...], "weighers": [...]}}
 *                                      (what nova.conf [filter_scheduler] would say; Nova's API never does)
 */
import type { ApiRequest, Route } from '../../core/service';
import { badRequest, bodyOf, json, notFound, policyDenied, validateBody } from '../common';
import type { Cell } from '../cells';
import type { ComputeApi } from '../context';
import { FILTERS, WEIGHERS } from '../scheduler';
import { resourcesFilter } from '../scheduler/filters/resources';

function cellView(api: ComputeApi, cell: Cell) {
  const hosts = (api.store.db.prepare('SELECT host FROM host_mappings WHERE cell_id = ? ORDER BY host').all(cell.id) as { host: string }[]).map((h) => h.host);
  return { name: cell.name, uuid: cell.uuid, down: cell.down, hosts };
}

function requireAdmin(req: ApiRequest, rule: string): void {
  if (!req.auth?.roles.includes('admin')) throw policyDenied(rule);
}

const SCHEMA = {
  type: 'object',
  properties: { cell: { type: 'object', properties: { down: { type: 'boolean' } }, required: ['down'], additionalProperties: false } },
  required: ['cell'],
  additionalProperties: false,
};

export function controlRoutes(api: ComputeApi): Route[] {
  return [
    {
      method: 'GET', path: '/control/scheduler', microversioned: false,
      handler: (req) => {
        requireAdmin(req, 'control:scheduler:show');
        // Placement's candidate query is not one of Nova's enabled_filters.
        const enabled = FILTERS.filter((f) => f !== resourcesFilter).map((f) => f.name);
        return json(200, { scheduler: { enabled_filters: enabled, weighers: WEIGHERS.map((w) => w.name) } });
      },
    },
    {
      method: 'GET', path: '/control/cells', microversioned: false,
      handler: (req) => {
        requireAdmin(req, 'control:cells:list');
        return json(200, { cells: api.cells.all().map((c) => cellView(api, c)) });
      },
    },
    {
      method: 'PUT', path: '/control/cells/:name', microversioned: false,
      handler: (req) => {
        requireAdmin(req, 'control:cells:update');
        const body = bodyOf(req);
        validateBody(SCHEMA, body);
        const cell = api.cells.named(req.params.name);
        if (!cell) throw notFound(`Cell ${req.params.name} could not be found.`);
        const down = (body as { cell: { down: boolean } }).cell.down;
        if (cell.isCell0 && down) throw badRequest('cell0 cannot be taken down.');
        api.cells.setDown(cell, down);
        return json(200, { cell: cellView(api, cell) });
      },
    },
  ];
}
