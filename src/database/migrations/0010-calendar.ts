import { Migration } from '@mikro-orm/migrations';

// The calendar: resources (rooms are inventory places, and things), events with recurrence,
// moved or cancelled occurrences, bookings that cannot overlap, private feed keys, announcements.
export class Migration0010Calendar extends Migration {
  override name = '0010-calendar';

  override up(): void | Promise<void> {
    // GiST over an integer (=) and a range (&&) together needs btree_gist (trusted since PG 13,
    // so the database owner may create it; the embedded PostgreSQL ships it).
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(
      `create table "calendar_announcement" ("id" serial primary key, "schedule_key" varchar(32) null, "to_address" varchar(254) not null, "events" int not null, "by_label" varchar(128) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "calendar_announcement" add constraint "calendar_announcement_key_unique" unique ("schedule_key");`,
    );

    this.addSql(
      `create table "calendar_feed_token" ("id" serial primary key, "member_id" int not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, "last_used_at" timestamptz null);`,
    );
    this.addSql(`create index "calendar_feed_token_member_idx" on "calendar_feed_token" ("member_id");`);
    this.addSql(
      `alter table "calendar_feed_token" add constraint "calendar_feed_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "calendar_event" ("id" serial primary key, "uid" varchar(80) not null, "slug" varchar(64) not null, "title" varchar(200) not null, "description" text null, "time_zone" varchar(64) not null, "all_day" boolean not null default false, "start_at" timestamptz not null, "end_at" timestamptz not null, "rrule" varchar(500) null, "exdates" text[] not null default '{}', "series_end_at" timestamptz null, "booked_until" timestamptz null, "responsible_id" int null, "created_by_id" int null, "visibility" text not null default 'public', "status" text not null default 'confirmed', "sequence" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`,
    );
    this.addSql(`alter table "calendar_event" add constraint "calendar_event_uid_unique" unique ("uid");`);
    this.addSql(`alter table "calendar_event" add constraint "calendar_event_slug_unique" unique ("slug");`);
    this.addSql(`create index "calendar_event_responsible_idx" on "calendar_event" ("responsible_id");`);
    this.addSql(`create index "calendar_event_series_end_idx" on "calendar_event" ("series_end_at");`);
    this.addSql(`create index "calendar_event_start_idx" on "calendar_event" ("start_at");`);

    this.addSql(
      `create table "calendar_occurrence" ("id" serial primary key, "event_id" int not null, "recurrence_id" timestamptz not null, "cancelled" boolean not null default false, "start_at" timestamptz not null, "end_at" timestamptz not null, "sequence" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "calendar_occurrence" add constraint "calendar_occurrence_unique" unique ("event_id", "recurrence_id");`,
    );

    this.addSql(
      `create table "calendar_resource" ("id" serial primary key, "kind" text not null, "location_id" int null, "thing_id" int null, "name" varchar(200) not null, "description" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "calendar_resource" add constraint "calendar_resource_location_unique" unique ("location_id");`,
    );
    this.addSql(`alter table "calendar_resource" add constraint "calendar_resource_thing_unique" unique ("thing_id");`);

    this.addSql(
      `create table "calendar_event_resource" ("calendar_event_id" int not null, "calendar_resource_id" int not null, primary key ("calendar_event_id", "calendar_resource_id"));`,
    );

    this.addSql(
      `create table "booking" ("id" bigserial primary key, "event_id" int not null, "resource_id" int not null, "recurrence_id" timestamptz not null, "during" tstzrange not null);`,
    );
    this.addSql(`create index "booking_event_idx" on "booking" ("event_id");`);

    this.addSql(
      `alter table "calendar_feed_token" add constraint "calendar_feed_token_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "calendar_event" add constraint "calendar_event_responsible_id_foreign" foreign key ("responsible_id") references "member" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "calendar_event" add constraint "calendar_event_visibility_check" check ("visibility" in ('public', 'members'));`,
    );
    this.addSql(
      `alter table "calendar_event" add constraint "calendar_event_status_check" check ("status" in ('confirmed', 'tentative', 'cancelled'));`,
    );

    this.addSql(
      `alter table "calendar_occurrence" add constraint "calendar_occurrence_event_id_foreign" foreign key ("event_id") references "calendar_event" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "calendar_resource" add constraint "calendar_resource_location_id_foreign" foreign key ("location_id") references "location" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "calendar_resource" add constraint "calendar_resource_thing_id_foreign" foreign key ("thing_id") references "thing" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "calendar_resource" add constraint "calendar_resource_kind_check" check ("kind" in ('room', 'thing'));`,
    );

    this.addSql(
      `alter table "calendar_event_resource" add constraint "calendar_event_resource_calendar_event_id_foreign" foreign key ("calendar_event_id") references "calendar_event" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "calendar_event_resource" add constraint "calendar_event_resource_calendar_resource_id_foreign" foreign key ("calendar_resource_id") references "calendar_resource" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "booking" add constraint "booking_event_id_foreign" foreign key ("event_id") references "calendar_event" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "booking" add constraint "booking_resource_id_foreign" foreign key ("resource_id") references "calendar_resource" ("id") on delete cascade;`,
    );

    // Hand-written (the ORM cannot declare them): one resource, one booking at a time; a
    // resource is a room or a thing, never both; no empty ranges.
    this.addSql(
      `alter table "booking" add constraint "booking_no_overlap" exclude using gist ("resource_id" with =, "during" with &&);`,
    );
    this.addSql(`alter table "booking" add constraint "booking_during_check" check (not isempty("during"));`);
    this.addSql(
      `alter table "calendar_resource" add constraint "calendar_resource_one_check" check (("location_id" is null) <> ("thing_id" is null));`,
    );
  }

  override down(): void {
    throw new Error('allmende does not downgrade');
  }
}
