import { Migration } from '@mikro-orm/migrations';

export class Migration0001Initial extends Migration {
  override name = '0001-initial';

  override up(): void | Promise<void> {
    // Trusted extension (PostgreSQL ≥ 13): the database owner may create it.
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(
      `create table "audit_log" ("id" bigserial primary key, "at" timestamptz not null, "actor_id" int null, "actor_label" varchar(128) not null, "action" varchar(64) not null, "subject" varchar(128) null, "details" jsonb null, "client_address" varchar(64) null);`,
    );
    this.addSql(`create index "audit_log_subject_idx" on "audit_log" ("subject");`);

    this.addSql(
      `create table "member_group" ("id" serial primary key, "slug" varchar(64) not null, "name" varchar(100) not null, "description" text null, "grants_role" text null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "member_group" add constraint "member_group_slug_unique" unique ("slug");`);
    this.addSql(
      `alter table "member_group" add constraint "member_group_grants_role_check" check ("grants_role" in ('helper', 'board', 'admin'));`,
    );

    this.addSql(
      `create table "member" ("id" serial primary key, "member_number" varchar(32) null, "first_name" varchar(100) not null, "last_name" varchar(100) not null, "display_name" varchar(201) not null, "username" varchar(64) not null, "private_email" varchar(254) null, "password_hash" varchar(255) null, "state" text not null default 'invited', "language" text null, "profile" jsonb not null default '{}', "search_text" text generated always as (lower(first_name || ' ' || last_name || ' ' || display_name || ' ' || username || ' ' || coalesce(private_email, '') || ' ' || coalesce(member_number, ''))) stored null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`,
    );
    this.addSql(`alter table "member" add constraint "member_member_number_unique" unique ("member_number");`);
    this.addSql(`alter table "member" add constraint "member_username_unique" unique ("username");`);
    this.addSql(`alter table "member" add constraint "member_private_email_unique" unique ("private_email");`);
    this.addSql(`create index "member_state_idx" on "member" ("state");`);
    this.addSql(`create index "member_search_trgm_idx" on "member" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(
      `alter table "member" add constraint "member_state_check" check ("state" in ('invited', 'registered', 'active', 'suspended', 'left'));`,
    );
    this.addSql(`alter table "member" add constraint "member_language_check" check ("language" in ('de', 'en'));`);

    this.addSql(
      `create table "group_membership" ("id" serial primary key, "group_id" int not null, "member_id" int not null, "since" timestamptz not null);`,
    );
    this.addSql(`create index "group_membership_member_idx" on "group_membership" ("member_id");`);
    this.addSql(
      `alter table "group_membership" add constraint "group_membership_unique" unique ("group_id", "member_id");`,
    );

    this.addSql(
      `create table "api_token" ("id" uuid not null, "name" varchar(100) not null, "token_hash" varchar(64) not null, "scopes" text[] not null, "owner_id" int not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(
      `create table "membership_status" ("code" varchar(32) not null, "label" varchar(100) not null, "is_membership" boolean not null default false, "sort_order" int not null default 0, primary key ("code"));`,
    );

    this.addSql(
      `create table "membership_period" ("id" serial primary key, "member_id" int not null, "status_code" varchar(32) not null, "begin" date not null, "end" date null);`,
    );
    this.addSql(`create index "membership_period_member_idx" on "membership_period" ("member_id");`);

    this.addSql(
      `create table "profile_field" ("key" varchar(64) not null, "label" varchar(100) not null, "visibility" text not null default 'board', "requires_approval" boolean not null default false, "member_editable" boolean not null default false, "builtin" boolean not null default false, "sort_order" int not null default 100, primary key ("key"));`,
    );
    this.addSql(
      `alter table "profile_field" add constraint "profile_field_visibility_check" check ("visibility" in ('public', 'members', 'board'));`,
    );

    this.addSql(
      `create table "rate_limit_bucket" ("key" varchar(200) not null, "window_start" timestamptz not null, "count" int not null default 0, primary key ("key"));`,
    );

    this.addSql(
      `create table "revision" ("id" serial primary key, "member_id" int not null, "kind" varchar(32) not null, "changes" jsonb not null, "state" text not null default 'applied', "actor_id" int null, "actor_label" varchar(128) not null, "created_at" timestamptz not null, "decided_by_id" int null, "decided_at" timestamptz null, "note" text null);`,
    );
    this.addSql(`create index "revision_member_idx" on "revision" ("member_id");`);
    this.addSql(`create index "revision_pending_idx" on "revision" ("state", "created_at");`);
    this.addSql(
      `alter table "revision" add constraint "revision_state_check" check ("state" in ('applied', 'pending', 'approved', 'rejected'));`,
    );

    this.addSql(
      `create table "session" ("id" uuid not null, "token_hash" varchar(64) not null, "member_id" int not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "client_address" varchar(64) null, "user_agent" varchar(256) null, primary key ("id"));`,
    );
    this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "session_member_idx" on "session" ("member_id");`);

    this.addSql(
      `create table "used_username" ("username" varchar(64) not null, "member_id" int null, "taken_at" timestamptz not null, primary key ("username"));`,
    );

    this.addSql(
      `alter table "group_membership" add constraint "group_membership_group_id_foreign" foreign key ("group_id") references "member_group" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "group_membership" add constraint "group_membership_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "api_token" add constraint "api_token_owner_id_foreign" foreign key ("owner_id") references "member" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "membership_period" add constraint "membership_period_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "membership_period" add constraint "membership_period_status_code_foreign" foreign key ("status_code") references "membership_status" ("code") on delete restrict;`,
    );

    this.addSql(
      `alter table "revision" add constraint "revision_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "session" add constraint "session_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );

    // The audit log is append-only, also against someone holding the application's credentials.
    this.addSql(`create function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$;`);
    this.addSql(`create trigger audit_log_no_update before update or delete or truncate on "audit_log"
      for each statement execute function audit_log_append_only();`);

    // Reference data that the code relies on; the admin can change labels and add more.
    this.addSql(`insert into "membership_status" ("code", "label", "is_membership", "sort_order") values
      ('member', 'Member', true, 10), ('supporter', 'Supporting member', true, 20),
      ('applicant', 'Applicant', false, 30), ('suspended', 'Suspended', false, 40), ('former', 'Former member', false, 50);`);
    this.addSql(`insert into "member_group" ("slug", "name", "grants_role", "created_at") values
      ('board', 'Board', 'board', now()), ('helpers', 'Helpers', 'helper', now()), ('admins', 'Admins', 'admin', now());`);
    this
      .addSql(`insert into "profile_field" ("key", "label", "visibility", "requires_approval", "member_editable", "builtin", "sort_order") values
      ('displayName', 'Display name', 'members', false, true, true, 10),
      ('username', 'Username', 'members', false, false, true, 20),
      ('firstName', 'First name', 'members', true, true, true, 30),
      ('lastName', 'Last name', 'members', true, true, true, 40),
      ('memberNumber', 'Member number', 'board', false, false, true, 50),
      ('privateEmail', 'Private e-mail', 'board', false, true, true, 60),
      ('language', 'Language', 'board', false, true, true, 70),
      ('state', 'Account state', 'board', false, false, true, 80),
      ('status', 'Membership status', 'board', false, false, true, 90),
      ('groups', 'Groups', 'members', false, false, true, 100);`);
  }

  override down(): void | Promise<void> {
    throw new Error('allmende does not downgrade: restore the backup taken before the upgrade');
  }
}
