import { ApiToken } from '../auth/entities/api-token.entity.js';
import { Session } from '../auth/entities/session.entity.js';
import { AuditEntry } from '../core/entities/audit-entry.entity.js';
import { RateLimitBucket } from '../core/entities/rate-limit-bucket.entity.js';
import { MailAlias } from '../mail/entities/mail-alias.entity.js';
import { MailDomain } from '../mail/entities/mail-domain.entity.js';
import { Mailbox } from '../mail/entities/mailbox.entity.js';
import { LinkToken } from '../members/entities/link-token.entity.js';
import { GroupMembership } from '../members/entities/group-membership.entity.js';
import { Group } from '../members/entities/group.entity.js';
import { Member } from '../members/entities/member.entity.js';
import { MembershipPeriod } from '../members/entities/membership-period.entity.js';
import { MembershipStatus } from '../members/entities/membership-status.entity.js';
import { ProfileField } from '../members/entities/profile-field.entity.js';
import { Revision } from '../members/entities/revision.entity.js';
import { UsedUsername } from '../members/entities/used-username.entity.js';
import { OutboxMail } from '../notifications/entities/outbox-mail.entity.js';
import { Induction } from '../inventory/entities/induction.entity.js';
import { Loan } from '../inventory/entities/loan.entity.js';
import { Location } from '../inventory/entities/location.entity.js';
import { ThingEvent } from '../inventory/entities/thing-event.entity.js';
import { ThingPhoto } from '../inventory/entities/thing-photo.entity.js';
import { Thing } from '../inventory/entities/thing.entity.js';
import { ListOptIn } from '../mailman-sync/entities/list-opt-in.entity.js';
import { ListSubscription } from '../mailman-sync/entities/list-subscription.entity.js';
import { MailingList } from '../mailman-sync/entities/mailing-list.entity.js';
import { SpacePresence } from '../space/entities/space-presence.entity.js';
import { SpaceStateChange } from '../space/entities/space-state-change.entity.js';
import { SyncRun } from '../sync/entities/sync-run.entity.js';
import { SyncTargetState } from '../sync/entities/sync-target-state.entity.js';
import { Announcement } from '../calendar/entities/announcement.entity.js';
import { Booking } from '../calendar/entities/booking.entity.js';
import { CalendarEvent } from '../calendar/entities/calendar-event.entity.js';
import { CalendarResource } from '../calendar/entities/calendar-resource.entity.js';
import { EventFormerSlug } from '../calendar/entities/event-former-slug.entity.js';
import { EventOccurrence } from '../calendar/entities/event-occurrence.entity.js';
import { FeedState } from '../calendar/entities/feed-state.entity.js';
import { FeedToken } from '../calendar/entities/feed-token.entity.js';
import { WikiAccount } from '../wiki-sync/entities/wiki-account.entity.js';

// Every entity, listed once: the ORM, the migrations and the tests use this list.
export const entities = [
  Member,
  UsedUsername,
  MembershipStatus,
  MembershipPeriod,
  Group,
  GroupMembership,
  ProfileField,
  Revision,
  AuditEntry,
  RateLimitBucket,
  Session,
  ApiToken,
  OutboxMail,
  LinkToken,
  MailDomain,
  Mailbox,
  MailAlias,
  Location,
  Thing,
  Loan,
  Induction,
  ThingPhoto,
  ThingEvent,
  SyncRun,
  SyncTargetState,
  MailingList,
  ListOptIn,
  ListSubscription,
  WikiAccount,
  CalendarResource,
  CalendarEvent,
  EventOccurrence,
  Booking,
  FeedToken,
  Announcement,
  FeedState,
  EventFormerSlug,
  SpaceStateChange,
  SpacePresence,
];
