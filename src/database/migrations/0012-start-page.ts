import { Migration } from '@mikro-orm/migrations';

// The space's open/closed state with its history, and who said "I am in the space" (opt-in,
// expires by itself).
export class Migration0012StartPage extends Migration {
  override name = '0012-start-page';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "space_presence" ("member_id" int not null, "since" timestamptz not null, "until" timestamptz not null, primary key ("member_id"));`,
    );
    this.addSql(`create index "space_presence_until_idx" on "space_presence" ("until");`);
    this.addSql(
      `create table "space_state_change" ("id" serial primary key, "open" boolean not null, "message" varchar(200) null, "changed_at" timestamptz not null, "changed_by_id" int null, "changed_by_label" varchar(128) not null);`,
    );
    this.addSql(
      `alter table "space_presence" add constraint "space_presence_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`,
    );
  }

  override down(): void {
    throw new Error('allmende does not downgrade');
  }
}
