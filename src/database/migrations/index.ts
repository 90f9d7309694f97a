import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001Initial } from './0001-initial.js';
import { Migration0002MemberNameOrder } from './0002-member-name-order.js';
import { Migration0003Outbox } from './0003-outbox.js';
import { Migration0004Lifecycle } from './0004-lifecycle.js';
import { Migration0005Sync } from './0005-sync.js';
import { Migration0006Inventory } from './0006-inventory.js';
import { Migration0007Mail } from './0007-mail.js';
import { Migration0008MailSync } from './0008-mail-sync.js';
import { Migration0009Directory } from './0009-directory.js';
import { Migration0010Calendar } from './0010-calendar.js';
import { Migration0011CalendarFeedState } from './0011-calendar-feed-state.js';
import { Migration0012StartPage } from './0012-start-page.js';
import { Migration0013CalendarFormerSlugs } from './0013-calendar-former-slugs.js';

// Every migration in order. `npm run migration:create -- <name>` writes a new file: rename it to
// the next number, make its down() refuse (allmende does not downgrade) and add it here.
export const migrationsList: MigrationObject[] = [
  { name: '0001-initial', class: Migration0001Initial },
  { name: '0002-member-name-order', class: Migration0002MemberNameOrder },
  { name: '0003-outbox', class: Migration0003Outbox },
  { name: '0004-lifecycle', class: Migration0004Lifecycle },
  { name: '0005-sync', class: Migration0005Sync },
  { name: '0006-inventory', class: Migration0006Inventory },
  { name: '0007-mail', class: Migration0007Mail },
  { name: '0008-mail-sync', class: Migration0008MailSync },
  { name: '0009-directory', class: Migration0009Directory },
  { name: '0010-calendar', class: Migration0010Calendar },
  { name: '0011-calendar-feed-state', class: Migration0011CalendarFeedState },
  { name: '0012-start-page', class: Migration0012StartPage },
  { name: '0013-calendar-former-slugs', class: Migration0013CalendarFormerSlugs },
];
