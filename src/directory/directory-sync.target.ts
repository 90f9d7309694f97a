import { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig, LdapConfig } from '../config/config.js';
import { memberAddresses } from '../members/member-addresses.js';
import type { SyncPlan, SyncTarget } from '../sync/sync.target.js';
import {
  describeDirectoryAction,
  GROUP_ATTRIBUTES,
  GROUP_CLASSES,
  PERSON_ATTRIBUTES,
  planDirectory,
  type DirectoryAction,
  type DirectoryActual,
  type DirectoryDesired,
} from './directory-sync.plan.js';
import { DirectoryError } from './directory.errors.js';
import type { LdapClient } from './ldap.client.js';

interface MemberRow {
  id: number;
  username: string;
  first_name: string;
  last_name: string;
  display_name: string;
  member_number: string | null;
  private_email: string | null;
  wants_named_address: boolean;
  wants_pseudonymous_address: boolean;
  password_hash: string;
}

// OpenLDAP entries follow the members with service access and the groups. See
// directory-sync.plan.ts for the rules (delete on exit, empty groups, what is allmende's).
export class DirectorySyncTarget implements SyncTarget<DirectoryDesired, DirectoryActual, DirectoryAction> {
  readonly name = 'directory';
  readonly description = 'OpenLDAP people and groups';
  readonly watches = ['member', 'group_membership', 'member_group'];
  readonly cron: string;
  // slapd serialises writes to mdb; a few in flight keep it busy without queueing.
  readonly concurrency = 8;

  constructor(
    private readonly orm: MikroORM,
    private readonly client: LdapClient,
    private readonly config: AppConfig,
    private readonly ldap: LdapConfig,
  ) {
    this.cron = ldap.cron;
  }

  async desired(): Promise<DirectoryDesired> {
    const em = this.orm.em.fork();
    const members = await em.execute<MemberRow[]>(
      `select id, username, first_name, last_name, display_name, member_number, private_email,
              wants_named_address, wants_pseudonymous_address, password_hash
         from member where state = 'active' and password_hash is not null`,
    );
    const groups = await em.execute<{ id: number; slug: string; name: string }[]>(
      `select id, slug, name from member_group order by slug`,
    );
    const memberships = await em.execute<{ group_id: number; username: string }[]>(
      `select gm.group_id, m.username from group_membership gm join member m on m.id = gm.member_id`,
    );
    const byGroup = new Map<number, string[]>();
    for (const r of memberships) byGroup.set(r.group_id, [...(byGroup.get(r.group_id) ?? []), r.username]);
    return {
      base: this.ldap.base,
      exclusive: this.ldap.exclusive,
      people: members.map((m) => {
        const display = m.display_name.trim() || m.username;
        return {
          uid: m.username,
          cn: display,
          // sn is required by person: the display name stands in for a missing last name.
          sn: m.last_name.trim() || display,
          givenName: m.first_name.trim(),
          displayName: display,
          mail: memberAddresses(
            {
              username: m.username,
              memberNumber: m.member_number,
              privateEmail: m.private_email,
              wantsNamedAddress: m.wants_named_address,
              wantsPseudonymousAddress: m.wants_pseudonymous_address,
            },
            this.config.mail.domain,
            this.config.mail.pseudonymPattern,
          ).preferred,
          userPassword: `{ARGON2}${m.password_hash}`,
        };
      }),
      groups: groups.map((g) => ({ slug: g.slug, name: g.name, members: byGroup.get(g.id) ?? [] })),
    };
  }

  // slapd lists 10,000 entries in well under a second: always afresh.
  async actual(): Promise<DirectoryActual> {
    const people = await this.client.list('people', ['uid', ...PERSON_ATTRIBUTES]);
    const groups = await this.client.list('groups', GROUP_ATTRIBUTES);
    return { people, groups };
  }

  plan(desired: DirectoryDesired, actual: DirectoryActual): SyncPlan<DirectoryAction> {
    return planDirectory(desired, actual);
  }

  async apply(a: DirectoryAction): Promise<void> {
    switch (a.kind) {
      case 'create':
        await this.client.add(a.dn, { objectClass: a.objectClass, ...a.attributes });
        return;
      case 'create-group':
        await this.client.add(a.dn, { objectClass: GROUP_CLASSES, ...a.attributes });
        return;
      case 'update':
      case 'password':
      case 'update-group':
        await this.client.replace(a.dn, a.changes);
        return;
      case 'delete':
      case 'delete-group':
        await this.client.remove(a.dn);
        return;
    }
  }

  describe(a: DirectoryAction): string {
    return describeDirectoryAction(a);
  }

  isTargetDown(err: unknown): boolean {
    return err instanceof DirectoryError && err.targetDown;
  }
}
