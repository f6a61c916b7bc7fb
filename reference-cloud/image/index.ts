/** The image service (Glance v2). */
import type { ServiceDefinition } from '../core/service';
import { isoSeconds } from '../core/time';
import { compareReleases } from '../releases';
import type { ImageApi } from './api/common';
import { registerCirros } from './bootstrap';
import { DataStore } from './data-store';
import { glanceEnvelopeFor, glanceJsonEnvelope } from './envelope';
import { IdentityClient, identityAuthUrl } from '../core/identity-client';
import { IMPORT_JOB, importWorker } from './import-queue';
import { WorkQueue } from '../core/work-queue';
import { imageMigrations } from './migrations';
import { ImageRepo } from './models/images';
import { KeystoneLimits } from './quota';
import { imageRouteTable } from './routes';

export const imageService: ServiceDefinition = {
  name: 'image',
  catalogType: 'image',
  catalogName: 'glance',
  mount: '/image',
  // DevStack's layout: the unversioned root (gophercloud appends v2/).
  catalogSuffix: '',
  envelope: glanceJsonEnvelope,
  envelopeFor: glanceEnvelopeFor,
  // Glance has no JSON body cap of its own beyond oslo's default max_request_body_size.
  bodyLimit: 114_688,
  // Glance's request-id middleware runs after authtoken: its 401s carry no request id.
  requestIdAfterAuth: true,
  migrations: imageMigrations,
  bodyErrors: { malformedJson: 'Malformed JSON in request body.' },
  create(ctx) {
    const repo = new ImageRepo(ctx.store);
    const data = new DataStore(ctx.store.dir);
    ctx.store.tx(() => repo.recoverInterrupted(isoSeconds(ctx.clock.now())));
    const imports = new WorkQueue(ctx.store, ctx.log)
      .on(IMPORT_JOB, importWorker(repo, data, ctx.clock, ctx.log), { delayMs: ctx.config.delays.image_import ?? 0 });
    const api: ImageApi = {
      repo, data, clock: ctx.clock, imports,
      secureRbac: compareReleases(ctx.config.release, '2023.1') >= 0,
    };
    return {
      routes: imageRouteTable(api),
      async ready(endpoints) {
        const authUrl = identityAuthUrl(endpoints, ctx.config.identityUrl);
        if (authUrl && ctx.config.servicePassword) {
          const client = new IdentityClient(authUrl, ctx.config.servicePassword);
          try {
            const limits = new KeystoneLimits(new IdentityClient(authUrl, ctx.config.servicePassword, { scope: 'system' }), client, ctx.config.region);
            await limits.register();
            api.limits = limits;
          } catch (err) {
            ctx.log.warn({ err }, 'image quotas are not enforced: the registered limits could not be set in identity');
          }
          try {
            const admin = await client.projectId('admin');
            if (admin) await registerCirros(repo, data, ctx.clock, admin);
          } catch (err) {
            ctx.log.warn({ err }, 'the cirros image could not be registered');
          }
        }
        imports.start();
      },
      close() {
        imports.close();
      },
    };
  },
};
