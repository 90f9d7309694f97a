import { Migration } from '@mikro-orm/migrations';

// The sync engine: runs and target health; Mailman lists with their sources, opt-ins and the
// subscriptions allmende made; the wiki users allmende created. Triggers tell every instance
// (LISTEN allmende_sync) which table changed, so the affected targets run within a second.
export class Migration0005Sync extends Migration {
  override name = '0005-sync';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "mailing_list" ("id" serial primary key, "address" varchar(254) not null, "description" text null, "source" text not null, "group_id" int null, "status_code" varchar(32) null, "address_kind" text not null default 'preferred', "exclusive" boolean not null default false, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "mailing_list" add constraint "mailing_list_address_unique" unique ("address");`);

    this.addSql(
      `create table "mailing_list_subscription" ("id" serial primary key, "list_id" int not null, "email" varchar(254) not null, "member_id" int null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "mailing_list_subscription" add constraint "mailing_list_subscription_unique" unique ("list_id", "email");`,
    );

    this.addSql(
      `create table "mailing_list_opt_in" ("id" serial primary key, "list_id" int not null, "member_id" int not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "mailing_list_opt_in_member_idx" on "mailing_list_opt_in" ("member_id");`);
    this.addSql(
      `alter table "mailing_list_opt_in" add constraint "mailing_list_opt_in_unique" unique ("list_id", "member_id");`,
    );

    this.addSql(
      `create table "sync_run" ("id" serial primary key, "target" varchar(64) not null, "trigger" text not null, "status" text not null default 'running', "started_at" timestamptz not null, "ended_at" timestamptz null, "counts" jsonb not null default '{}', "errors" jsonb not null default '[]', "error" text null, "instance" varchar(128) not null);`,
    );
    this.addSql(`create index "sync_run_target_idx" on "sync_run" ("target", "id");`);

    this.addSql(
      `create table "sync_target_state" ("target" varchar(64) not null, "last_run_at" timestamptz null, "last_success_at" timestamptz null, "last_error" text null, "last_error_at" timestamptz null, "failing_since" timestamptz null, "consecutive_failures" int not null default 0, "next_retry_at" timestamptz null, primary key ("target"));`,
    );

    this.addSql(
      `create table "wiki_account" ("id" serial primary key, "member_id" int not null, "wiki_user_id" int not null, "wiki_name" varchar(255) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "wiki_account" add constraint "wiki_account_member_unique" unique ("member_id");`);
    this.addSql(`alter table "wiki_account" add constraint "wiki_account_wiki_user_unique" unique ("wiki_user_id");`);

    this.addSql(
      `alter table "mailing_list" add constraint "mailing_list_group_id_foreign" foreign key ("group_id") references "member_group" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "mailing_list" add constraint "mailing_list_status_code_foreign" foreign key ("status_code") references "membership_status" ("code") on delete cascade;`,
    );
    this.addSql(
      `alter table "mailing_list" add constraint "mailing_list_source_check" check ("source" in ('active', 'group', 'status', 'opt_in'));`,
    );
    this.addSql(
      `alter table "mailing_list" add constraint "mailing_list_address_kind_check" check ("address_kind" in ('preferred', 'private'));`,
    );

    this.addSql(
      `alter table "mailing_list_subscription" add constraint "mailing_list_subscription_list_id_foreign" foreign key ("list_id") references "mailing_list" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "mailing_list_opt_in" add constraint "mailing_list_opt_in_list_id_foreign" foreign key ("list_id") references "mailing_list" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "mailing_list_opt_in" add constraint "mailing_list_opt_in_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "sync_run" add constraint "sync_run_trigger_check" check ("trigger" in ('change', 'schedule', 'manual', 'retry', 'startup'));`,
    );
    this.addSql(
      `alter table "sync_run" add constraint "sync_run_status_check" check ("status" in ('running', 'ok', 'partial', 'failed'));`,
    );
    // One notification per statement and table (PostgreSQL folds equal ones within a transaction),
    // so a 10,000-row import wakes the engine once, not 10,000 times.
    this.addSql(
      `create function "allmende_sync_notify"() returns trigger language plpgsql as $$ begin perform pg_notify('allmende_sync', TG_TABLE_NAME); return null; end $$;`,
    );
    this.addSql(
      `create trigger "member_sync_notify" after insert or delete or update of "state", "password_hash", "display_name", "private_email", "username", "member_number", "wants_named_address", "wants_pseudonymous_address" on "member" for each statement execute function "allmende_sync_notify"();`,
    );
    for (const table of ['group_membership', 'membership_period', 'mailing_list', 'mailing_list_opt_in']) {
      this.addSql(
        `create trigger "${table}_sync_notify" after insert or update or delete on "${table}" for each statement execute function "allmende_sync_notify"();`,
      );
    }
  }

  override down(): void {
    throw new Error('allmende does not downgrade');
  }
}
