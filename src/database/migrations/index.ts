import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001Initial } from './0001-initial.js';

// Every migration in order. `npm run migration:create` writes a new file; add it here.
export const migrationsList: MigrationObject[] = [{ name: '0001-initial', class: Migration0001Initial }];
