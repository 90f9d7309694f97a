import { Migration } from '@mikro-orm/migrations';

// The addresses events had before a new slug: the old /events/<slug> leads on to the event, and
// the slug stays the event's (no other event takes it) until the event is deleted.
export class Migration0013CalendarFormerSlugs extends Migration {
  override name = '0013-calendar-former-slugs';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "calendar_event_former_slug" ("slug" varchar(64) not null, "event_id" int not null, "left_at" timestamptz not null, primary key ("slug"));`,
    );
    this.addSql(`create index "calendar_event_former_slug_event_idx" on "calendar_event_former_slug" ("event_id");`);
    this.addSql(
      `alter table "calendar_event_former_slug" add constraint "calendar_event_former_slug_event_id_foreign" foreign key ("event_id") references "calendar_event" ("id") on delete cascade;`,
    );
  }

  override down(): void {
    throw new Error('allmende does not downgrade');
  }
}
