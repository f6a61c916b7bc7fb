/**
 * The object store: metadata in SQLite (accounts, containers, objects with their counters) and
 * object data in files named by a random id, never by the object's name. (Skeleton.)
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { ServiceStore } from '../core/store';
import type { AccountInfo, ContainerInfo, InfoSource } from './context';
import type { SwiftSettings } from './settings';

export class ObjectStore implements InfoSource {
  readonly db: ServiceStore;
  readonly settings: SwiftSettings;
  readonly clock: Clock;
  readonly log: Logger;

  constructor(db: ServiceStore, settings: SwiftSettings, clock: Clock, log: Logger) {
    this.db = db;
    this.settings = settings;
    this.clock = clock;
    this.log = log;
  }

  account(_account: string): AccountInfo | undefined {
    return undefined;
  }

  container(_account: string, _container: string): ContainerInfo | undefined {
    return undefined;
  }

  close(): void {}
}
