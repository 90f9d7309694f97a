import { Migration } from '@mikro-orm/migrations';

// The inventory: places (a tree), things with a unique slug and full-text search, loans (one open
// loan per thing), inductions, photos (in the database) and each thing's history.
export class Migration0006Inventory extends Migration {
  override name = '0006-inventory';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "location" ("id" serial primary key, "name" varchar(100) not null, "parent_id" int null, "description" text null, "created_at" timestamptz not null, "version" int not null default 1);`,
    );
    this.addSql(`create index "location_parent_idx" on "location" ("parent_id");`);
    this.addSql(`alter table "location" add constraint "location_parent_name_unique" unique ("parent_id", "name");`);

    this.addSql(
      `create table "thing" ("id" serial primary key, "slug" varchar(64) not null, "name" varchar(200) not null, "description" text null, "location_id" int null, "tags" text[] not null default '{}', "ownership" text not null default 'club', "owner_member_id" int null, "owner_name" varchar(200) null, "owner_until" date null, "owner_until_reminded_for" date null, "needs_induction" boolean not null default false, "archived_at" timestamptz null, "search_extra" text not null default '', "search_vector" tsvector generated always as (setweight(to_tsvector('simple', name || ' ' || replace(slug, '-', ' ')), 'A') || setweight(to_tsvector('simple', search_extra), 'B') || setweight(to_tsvector('simple', coalesce(description, '')), 'C')) stored null, "search_name" text generated always as (lower(slug || ' ' || name)) stored null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`,
    );
    this.addSql(`alter table "thing" add constraint "thing_slug_unique" unique ("slug");`);
    this.addSql(`create index "thing_location_idx" on "thing" ("location_id");`);
    this.addSql(`create index "thing_owner_member_idx" on "thing" ("owner_member_id");`);
    this.addSql(`create index "thing_name_order_idx" on "thing" ("name", "id");`);
    this.addSql(`create index "thing_tags_idx" on "thing" using gin ("tags");`);
    this.addSql(`create index "thing_search_idx" on "thing" using gin ("search_vector");`);
    this.addSql(`create index "thing_name_trgm_idx" on "thing" using gin ("search_name" gin_trgm_ops);`);
    this.addSql(
      `create index "thing_owner_until_idx" on "thing" ("owner_until") where "ownership" = 'lent-to-club' and "archived_at" is null;`,
    );

    this.addSql(
      `create table "loan" ("id" serial primary key, "thing_id" int not null, "borrower_id" int not null, "started_at" timestamptz not null, "due_on" date not null, "lent_by_id" int null, "lent_by_label" varchar(128) not null, "returned_at" timestamptz null, "returned_by_label" varchar(128) null, "reminded_for" date null, "note" text null);`,
    );
    this.addSql(`create index "loan_thing_idx" on "loan" ("thing_id");`);
    this.addSql(`create index "loan_borrower_idx" on "loan" ("borrower_id");`);
    this.addSql(`create unique index "loan_open_unique" on "loan" ("thing_id") where "returned_at" is null;`);
    this.addSql(`create index "loan_due_idx" on "loan" ("due_on") where "returned_at" is null;`);

    this.addSql(
      `create table "induction" ("id" serial primary key, "thing_id" int not null, "member_id" int not null, "inducted_on" date not null, "expires_on" date null, "inducted_by_label" varchar(128) not null, "reminded_for" date null);`,
    );
    this.addSql(`create index "induction_member_idx" on "induction" ("member_id");`);
    this.addSql(`create index "induction_expires_idx" on "induction" ("expires_on");`);
    this.addSql(
      `alter table "induction" add constraint "induction_thing_member_unique" unique ("thing_id", "member_id");`,
    );

    this.addSql(
      `create table "thing_event" ("id" serial primary key, "thing_id" int not null, "at" timestamptz not null, "kind" text not null, "changes" jsonb not null default '[]', "actor_id" int null, "actor_label" varchar(128) not null);`,
    );
    this.addSql(`create index "thing_event_thing_idx" on "thing_event" ("thing_id", "at");`);

    this.addSql(
      `create table "thing_photo" ("id" serial primary key, "thing_id" int not null, "content_type" varchar(32) not null, "width" int not null, "height" int not null, "sha256" varchar(64) not null, "data" bytea not null, "thumbnail" bytea not null, "uploaded_by_label" varchar(128) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "thing_photo_thing_idx" on "thing_photo" ("thing_id");`);

    this.addSql(
      `alter table "location" add constraint "location_parent_id_foreign" foreign key ("parent_id") references "location" ("id") on delete restrict;`,
    );

    this.addSql(
      `alter table "thing" add constraint "thing_location_id_foreign" foreign key ("location_id") references "location" ("id") on delete restrict;`,
    );
    this.addSql(
      `alter table "thing" add constraint "thing_owner_member_id_foreign" foreign key ("owner_member_id") references "member" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "thing" add constraint "thing_ownership_check" check ("ownership" in ('club', 'lent-to-club', 'member-owned', 'donated'));`,
    );

    this.addSql(
      `alter table "loan" add constraint "loan_thing_id_foreign" foreign key ("thing_id") references "thing" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "loan" add constraint "loan_borrower_id_foreign" foreign key ("borrower_id") references "member" ("id") on delete restrict;`,
    );

    this.addSql(
      `alter table "induction" add constraint "induction_thing_id_foreign" foreign key ("thing_id") references "thing" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "induction" add constraint "induction_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "thing_event" add constraint "thing_event_thing_id_foreign" foreign key ("thing_id") references "thing" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "thing_event" add constraint "thing_event_kind_check" check ("kind" in ('created', 'updated', 'moved', 'archived', 'restored', 'lent', 'returned', 'photo-added', 'photo-removed', 'inducted', 'induction-removed', 'imported'));`,
    );

    this.addSql(
      `alter table "thing_photo" add constraint "thing_photo_thing_id_foreign" foreign key ("thing_id") references "thing" ("id") on delete cascade;`,
    );
  }

  override down(): void {
    throw new Error('allmende does not downgrade');
  }
}
