/**
 * What one cucumber worker process shares between scenarios: the target, its admin session,
 * the discovered capabilities, the ledger, and the worker's own project and users (created
 * when the target gives admin rights, so parallel workers never share a project).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadTarget, type Target } from '../../harness/config';
import { Session, type Recorder } from '../../harness/client';
import { discoverCapabilities, type Capabilities } from '../../harness/capabilities';
import { Ledger, cleanup, deleteDefaultSecurityGroups } from '../../harness/resources';

export interface Persona {
  name: string;
  target: Target;
  userId?: string;
}

export interface WorkerContext {
  runId: string;
  worker: string;
  /** Prefix of every name this worker creates: sp-<run>-w<worker>. */
  prefix: string;
  target: Target;
  admin: Session;
  caps: Capabilities;
  ledger: Ledger;
  personas: Map<string, Persona>;
  vars: Record<string, string>;
}

let current: WorkerContext | undefined;
/** Set by the World for the scenario in progress, so exchanges land in its report. */
export const recorderSlot: { recorder?: Recorder } = {};
const recordVia: Recorder = (ex) => recorderSlot.recorder?.(ex);

export function workerContext(): WorkerContext {
  if (!current) throw new Error('the worker context is not set up (BeforeAll did not run)');
  return current;
}

export async function setUpWorker(): Promise<WorkerContext> {
  const target = loadTarget();
  if (!target) {
    throw new Error('no target: set OS_CLOUD (clouds.yaml) or OS_AUTH_URL, or run through `stackproof verify`, which starts the reference cloud');
  }
  const runId = process.env.STACKPROOF_RUN_ID ?? new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14);
  const worker = process.env.CUCUMBER_WORKER_ID ?? '0';
  const prefix = `sp-${runId}-w${worker}`;
  const admin = new Session(target, { recorder: recordVia });
  const caps = await discoverCapabilities(admin);
  const ledger = new Ledger(process.env.STACKPROOF_LEDGER_DIR ?? join('reports', 'ledger'), `${runId}-w${worker}`);
  const ctx: WorkerContext = { runId, worker, prefix, target, admin, caps, ledger, personas: new Map(), vars: { prefix } };
  ctx.personas.set('admin', { name: 'admin', target, userId: admin.token?.body.user?.id });
  if (caps.admin) await provisionWorkerAccounts(ctx);
  current = ctx;
  return ctx;
}

/** A project for this worker and a member and a reader user in it (Tempest's dynamic credentials). */
async function provisionWorkerAccounts(ctx: WorkerContext): Promise<void> {
  const s = ctx.admin;
  const create = async (kind: string, path: string, wrapper: string, body: Record<string, unknown>) => {
    const entry = ctx.ledger.intend({ runId: ctx.runId, worker: ctx.worker, service: 'identity', kind, name: String(body.name), deletePath: `${path}/{id}`, findPath: `${path}?name=${encodeURIComponent(String(body.name))}` });
    const ex = await s.request({ service: 'identity', method: 'POST', path, json: { [wrapper]: body } });
    const id = (ex.response.json as Record<string, { id?: string }> | undefined)?.[wrapper]?.id;
    if (ex.response.status !== 201 || !id) throw new Error(`could not create the worker's ${kind}: ${ex.response.status} ${ex.response.text.slice(0, 200)}`);
    ctx.ledger.created(entry, { id, deletePath: `${path}/${id}` });
    return id;
  };
  const roles = await s.request({ service: 'identity', method: 'GET', path: '/v3/roles' });
  const roleId = (name: string) => (roles.response.json as { roles: { id: string; name: string }[] }).roles.find((r) => r.name === name)?.id;
  const projectId = await create('project', '/v3/projects', 'project', { name: `${ctx.prefix}-project`, description: 'stackproof worker project', domain_id: 'default' });
  ctx.vars.project_id = projectId;
  ctx.vars.project_name = `${ctx.prefix}-project`;
  const otherProjectId = await create('project', '/v3/projects', 'project', { name: `${ctx.prefix}-project2`, description: 'stackproof worker project (a second tenant)', domain_id: 'default' });
  ctx.vars.other_project_id = otherProjectId;
  ctx.vars.other_project_name = `${ctx.prefix}-project2`;
  // member and reader in the worker's project; "other" is a member of a second project, for
  // isolation and sharing between tenants.
  const people: { persona: string; role: string; project: string }[] = [
    { persona: 'member', role: 'member', project: projectId },
    { persona: 'reader', role: 'reader', project: projectId },
    { persona: 'other', role: 'member', project: otherProjectId },
  ];
  for (const { persona, role, project } of people) {
    const password = randomBytes(18).toString('base64url');
    const name = `${ctx.prefix}-${persona}`;
    const userId = await create('user', '/v3/users', 'user', { name, password, domain_id: 'default', default_project_id: project });
    const rid = roleId(role);
    if (!rid) throw new Error(`the target has no "${role}" role`);
    const grant = await s.request({ service: 'identity', method: 'PUT', path: `/v3/projects/${project}/users/${userId}/roles/${rid}` });
    if (grant.response.status !== 204) throw new Error(`could not grant ${role} to the worker's user: ${grant.response.status}`);
    ctx.vars[`${persona}_user_id`] = userId;
    ctx.vars[`${persona}_user_name`] = name;
    ctx.vars[`${role}_role_id`] = rid;
    ctx.personas.set(persona, {
      name: persona,
      userId,
      target: {
        ...ctx.target,
        name: `${ctx.target.name}-${persona}`,
        authType: 'password',
        auth: { authUrl: ctx.target.auth.authUrl, username: name, password, userDomainId: 'default', projectId: project },
      },
    });
  }
  const adminRole = roleId('admin');
  if (adminRole) ctx.vars.admin_role_id = adminRole;
}

export async function tearDownWorker(): Promise<void> {
  if (!current) return;
  const ctx = current;
  await cleanup(ctx.admin, ctx.ledger.outstanding(), {});
  // Resources a service made implicitly for the worker's projects, outside any ledger.
  const projects = [ctx.vars.project_id, ctx.vars.other_project_id].filter((p): p is string => !!p);
  if (ctx.caps.admin && projects.length && ctx.caps.services.network) {
    await deleteDefaultSecurityGroups(ctx.admin, projects).catch((e: Error) =>
      process.stderr.write(`stackproof: could not delete the worker projects' default security groups: ${e.message}\n`));
  }
  await ctx.admin.close();
  current = undefined;
}
