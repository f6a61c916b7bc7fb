/**
 * The identity backend: the models over one database, plus what the token machinery needs
 * (keys, password verifier, clock). Handlers and the token service work through it.
 */
import type { CloudConfig } from '../core/config';
import type { Clock } from '../core/clock';
import type { ServiceStore } from '../core/store';
import { ResourceModel } from './models/resource';
import { IdentityModel } from './models/identity';
import { AssignmentModel } from './models/assignment';
import { CatalogModel } from './models/catalog';
import { AppCredentialModel } from './models/app-credentials';
import { LimitModel } from './models/limits';
import { RevocationModel } from './models/revocations';
import { PasswordVerifier, hashPassword } from './passwords';
import { TokenKeys } from './token-format';

export class IdentityBackend {
  readonly resource: ResourceModel;
  readonly identity: IdentityModel;
  readonly assignment: AssignmentModel;
  readonly catalog: CatalogModel;
  readonly appCreds: AppCredentialModel;
  readonly limits: LimitModel;
  readonly revocations: RevocationModel;
  readonly passwords = new PasswordVerifier();
  readonly keys: TokenKeys;
  /** Bumped by every write to identity data: cached token validations compare it. */
  generation = 0;

  constructor(readonly store: ServiceStore, readonly config: CloudConfig, readonly clock: Clock) {
    const db = store.db;
    this.resource = new ResourceModel(db);
    this.identity = new IdentityModel(db);
    this.assignment = new AssignmentModel(db);
    this.catalog = new CatalogModel(db);
    this.appCreds = new AppCredentialModel(db);
    this.limits = new LimitModel(db);
    this.revocations = new RevocationModel(db);
    this.keys = TokenKeys.open(store.dir);
  }

  now(): Date {
    return this.clock.now();
  }

  hash(secret: string): Promise<string> {
    return hashPassword(secret, this.config.passwordHashCost);
  }

  changed(): void {
    this.generation++;
  }
}
