import { Migration } from '@mikro-orm/migrations';

// What makes a feed's 304 cheap: one row whose version every committed change of events, moved
// or cancelled occurrences, rooms or an event's rooms raises. The triggers are constraint
// triggers deferred to commit, so the row is locked only for the instant of each commit and the
// versions follow the commit order (a version seen means every change up to it is visible).
// The daily booking job writes booked_until with SQL and raises nothing: it changes no feed.
export class Migration0011CalendarFeedState extends Migration {
  override name = '0011-calendar-feed-state';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "calendar_feed_state" ("id" serial primary key, "version" bigint not null default '0', "changed_at" timestamptz not null);`,
    );
    this.addSql(`insert into "calendar_feed_state" ("id", "version", "changed_at") values (1, 0, now());`);
    this.addSql(`create or replace function "calendar_feed_bump"() returns trigger language plpgsql as $$
begin
  update "calendar_feed_state" set "version" = "version" + 1, "changed_at" = greatest("changed_at", clock_timestamp())
   where "id" = 1;
  return null;
end $$;`);
    for (const [table, events] of [
      ['calendar_event', 'insert or delete or update of "updated_at", "visibility", "status"'],
      ['calendar_occurrence', 'insert or delete or update'],
      ['calendar_resource', 'insert or delete or update'],
      ['calendar_event_resource', 'insert or delete or update'],
    ] as const) {
      this.addSql(
        `create constraint trigger "${table}_feed_bump" after ${events} on "${table}" deferrable initially deferred for each row execute function "calendar_feed_bump"();`,
      );
    }
  }

  override down(): void {
    throw new Error('allmende does not downgrade');
  }
}
