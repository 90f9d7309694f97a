import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001Initial } from './0001-initial.js';
import { Migration0002MemberNameOrder } from './0002-member-name-order.js';
import { Migration0003Outbox } from './0003-outbox.js';
import { Migration0004Lifecycle } from './0004-lifecycle.js';
import { Migration0005Sync } from './0005-sync.js';
import { Migration0008Directory } from './0008-directory.js';

// Every migration in order. `npm run migration:create -- <name>` writes a new file: rename it to
// the next number, make its down() refuse (allmende does not downgrade) and add it here.
export const migrationsList: MigrationObject[] = [
  { name: '0001-initial', class: Migration0001Initial },
  { name: '0002-member-name-order', class: Migration0002MemberNameOrder },
  { name: '0003-outbox', class: Migration0003Outbox },
  { name: '0004-lifecycle', class: Migration0004Lifecycle },
  { name: '0005-sync', class: Migration0005Sync },
  { name: '0008-directory', class: Migration0008Directory },
];
