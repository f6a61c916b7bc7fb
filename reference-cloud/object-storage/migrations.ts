/** The object-storage metadata database (accounts, containers, objects). (Skeleton.) */
import type { Migration } from '../core/store';

export const objectStorageMigrations: Migration[] = [];
