/** Identity steps that read better than raw requests: tokens for the worker's users. */
import { When } from '@cucumber/cucumber';
import type { StackproofWorld } from './support/world';

function passwordAuth(w: StackproofWorld, persona: string): Record<string, unknown> {
  const p = w.ctx.personas.get(persona);
  if (!p) throw new Error(`no "${persona}" credentials`);
  const a = p.target.auth;
  const user: Record<string, unknown> = { password: a.password };
  if (a.userId) user.id = a.userId;
  else {
    user.name = a.username;
    user.domain = a.userDomainId ? { id: a.userDomainId } : { name: a.userDomainName ?? 'Default' };
  }
  return { methods: ['password'], password: { user } };
}

When(/^the (admin|member|reader) asks for a token scoped to (?:my|their) project$/, async function (this: StackproofWorld, persona: string) {
  const identity = passwordAuth(this, persona);
  const t = this.ctx.personas.get(persona)!.target.auth;
  const scope = persona === 'admin'
    ? { project: t.projectId ? { id: t.projectId } : { name: t.projectName, domain: t.projectDomainId ? { id: t.projectDomainId } : { name: t.projectDomainName ?? 'Default' } } }
    : { project: { id: this.ctx.vars.project_id } };
  await this.send({ service: 'identity', method: 'POST', path: '/v3/auth/tokens', body: JSON.stringify({ auth: { identity, scope } }), anonymous: true });
});

When(/^the (admin|member|reader) asks for an unscoped token$/, async function (this: StackproofWorld, persona: string) {
  await this.send({ service: 'identity', method: 'POST', path: '/v3/auth/tokens', body: JSON.stringify({ auth: { identity: passwordAuth(this, persona), scope: 'unscoped' } }), anonymous: true });
});

When(/^the (member|reader) asks for a token with a wrong password$/, async function (this: StackproofWorld, persona: string) {
  const identity = passwordAuth(this, persona) as { password: { user: { password: string } } };
  identity.password.user.password = `${identity.password.user.password}-wrong`;
  await this.send({ service: 'identity', method: 'POST', path: '/v3/auth/tokens', body: JSON.stringify({ auth: { identity, scope: { project: { id: this.ctx.vars.project_id } } } }), anonymous: true });
});
