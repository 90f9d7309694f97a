import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema } from './config.schema.js';

export interface AppConfig {
  dataDir: string;
  database: {
    url?: string;
    tls: 'off' | 'require' | 'verify';
    caFile?: string;
    poolMax: number;
    embeddedPort: number;
  };
  http: { host: string; port: number; publicUrl: string; trustProxy: boolean };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  reservedUsernames: string[];
  sessionTtlHours: number;
  login: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; windowMinutes: number };
  metricsToken?: string;
  migrateOnStart: boolean;
  clubName: string;
  defaultLanguage: 'de' | 'en';
  // The club's time zone: dates on pages and in mails, the default of new events.
  timeZone: string;
  mail: {
    // Without smtp, mails are written as .eml files under <dataDir>/outbox/.
    smtp?: { host: string; port: number; tls: 'none' | 'starttls' | 'tls'; user?: string; password?: string };
    from: string;
    boardAddress?: string;
    maxAttempts: number;
    // The club's domain for members' addresses; without it members get no addresses.
    domain?: string;
    pseudonymPattern: string;
    // Days a suspended or departed member's addresses still receive before they bounce.
    graceDays: number;
  };
  lifecycle: {
    registrationTtlDays: number;
    resetTtlMinutes: number;
    resetIntervalMinutes: number;
    resetMaxPerAddress: number;
    emailChangeTtlHours: number;
  };
  // Kept after an exit's erasure (the username always stays, as a tombstone).
  retention: { memberNumber: boolean; periods: boolean };
  inventory: {
    // Uploads above this are refused before they are read to the end.
    photoMaxBytes: number;
    // The longer edge of a stored photo, in pixels.
    photoMaxEdge: number;
    // How many days before an induction runs out its member is reminded.
    inductionReminderDays: number;
  };
  sync: { debounceMs: number };
  // Unset: the Mailman target is off.
  mailman?: { url: string; user: string; password: string; timeoutMs: number; cron: string };
  // Unset: the MediaWiki target is off.
  wiki?: {
    databaseUrl: string;
    tablePrefix: string;
    // [allmende group slug, wiki group] pairs.
    groups: [string, string][];
    userName: 'display_name' | 'username';
    cron: string;
  };
  jabber: {
    // The XMPP domain whose logins allmende answers (ejabberd's `hosts`); without it, none.
    domain?: string;
    // Failed Jabber logins per service token per login window: ejabberd passes no client
    // address, so this bounds password spraying across accounts (see the README's Jabber part).
    maxFailuresPerToken: number;
    // How long a successful password check is remembered (0: every login runs Argon2).
    verifyCacheSeconds: number;
  };
  // Unset: the directory (OpenLDAP) target is off.
  ldap?: LdapConfig;
  calendar: CalendarConfig;
  space: SpaceConfig;
}

export interface CalendarConfig {
  // ALLMENDE_TIME_ZONE: the zone of events that name none, of API days and of the announcement.
  timeZone: string;
  // How far ahead the occurrences of recurring events are booked (and refused when they clash).
  horizonMonths: number;
  // How far back the feeds reach (events that ended longer ago are left out).
  feedPastDays: number;
  // REFRESH-INTERVAL and X-PUBLISHED-TTL of the feeds, and their Cache-Control max-age.
  refreshMinutes: number;
  // Unset `to`: no weekly announcement (on demand, an address must be given).
  announce: { to?: string; cron: string; days: number; visibility: 'public' | 'members' };
}

// The space as the start page and the SpaceAPI endpoint describe it.
export interface SpaceConfig {
  // Off: /spaceapi.json answers 404.
  spaceApi: boolean;
  name: string;
  logoUrl: string;
  url: string;
  address?: string;
  lat?: number;
  lon?: number;
  contactEmail?: string;
  // How long "I am in the space" lasts.
  presenceHours: number;
}

export interface LdapConfig {
  url: string;
  // The suffix; people live under ou=people, groups under ou=groups.
  base: string;
  // allmende's writer (default cn=allmende,<base>).
  bindDn: string;
  // One of the two; the module reads the file at start.
  bindPassword?: string;
  bindPasswordFile?: string;
  startTls: boolean;
  caFile?: string;
  // Also manage (adopt or delete) entries under ou=people and ou=groups that allmende did not create.
  exclusive: boolean;
  timeoutMs: number;
  cron: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// Pure: the environment in, the config or every problem out.
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings count as unset, as in most .env conventions.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const given = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
      const shown = given === undefined || /TOKEN|PASSWORD|URL/.test(name) ? '' : ` (got "${given}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = result.data;
  const publicUrl = (e.ALLMENDE_PUBLIC_URL ?? `http://${displayHost(e.ALLMENDE_HOST)}:${e.ALLMENDE_PORT}`).replace(
    /\/$/,
    '',
  );
  return {
    dataDir: resolve(e.ALLMENDE_DATA_DIR),
    database: {
      url: e.DATABASE_URL,
      tls: e.ALLMENDE_DATABASE_TLS,
      caFile: e.ALLMENDE_DATABASE_CA_FILE,
      poolMax: e.ALLMENDE_DATABASE_POOL_MAX,
      embeddedPort: e.ALLMENDE_EMBEDDED_PG_PORT,
    },
    http: {
      host: e.ALLMENDE_HOST,
      port: e.ALLMENDE_PORT,
      publicUrl,
      trustProxy: e.ALLMENDE_TRUST_PROXY,
    },
    logLevel: e.ALLMENDE_LOG_LEVEL,
    reservedUsernames: e.ALLMENDE_RESERVED_USERNAMES,
    sessionTtlHours: e.ALLMENDE_SESSION_TTL_HOURS,
    login: {
      maxFailuresPerAccount: e.ALLMENDE_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: e.ALLMENDE_LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMinutes: e.ALLMENDE_LOGIN_WINDOW_MINUTES,
    },
    metricsToken: e.ALLMENDE_METRICS_TOKEN,
    migrateOnStart: e.ALLMENDE_MIGRATE_ON_START,
    clubName: e.ALLMENDE_CLUB_NAME,
    defaultLanguage: e.ALLMENDE_DEFAULT_LANGUAGE,
    timeZone: e.ALLMENDE_TIME_ZONE,
    mail: {
      smtp:
        e.ALLMENDE_SMTP_HOST === undefined
          ? undefined
          : {
              host: e.ALLMENDE_SMTP_HOST,
              port: e.ALLMENDE_SMTP_PORT,
              tls: e.ALLMENDE_SMTP_TLS,
              user: e.ALLMENDE_SMTP_USER,
              password: e.ALLMENDE_SMTP_PASSWORD,
            },
      from: e.ALLMENDE_MAIL_FROM,
      boardAddress: e.ALLMENDE_BOARD_ADDRESS,
      maxAttempts: e.ALLMENDE_MAIL_MAX_ATTEMPTS,
      domain: e.ALLMENDE_MAIL_DOMAIN,
      pseudonymPattern: e.ALLMENDE_PSEUDONYM_PATTERN,
      graceDays: e.ALLMENDE_MAIL_GRACE_DAYS,
    },
    lifecycle: {
      registrationTtlDays: e.ALLMENDE_REGISTRATION_TTL_DAYS,
      resetTtlMinutes: e.ALLMENDE_RESET_TTL_MINUTES,
      resetIntervalMinutes: e.ALLMENDE_RESET_INTERVAL_MINUTES,
      resetMaxPerAddress: e.ALLMENDE_RESET_MAX_PER_ADDRESS,
      emailChangeTtlHours: e.ALLMENDE_EMAIL_CHANGE_TTL_HOURS,
    },
    retention: {
      memberNumber: e.ALLMENDE_RETAIN_AFTER_EXIT.includes('member-number'),
      periods: e.ALLMENDE_RETAIN_AFTER_EXIT.includes('periods'),
    },
    inventory: {
      photoMaxBytes: e.ALLMENDE_PHOTO_MAX_MB * 1024 * 1024,
      photoMaxEdge: e.ALLMENDE_PHOTO_MAX_EDGE,
      inductionReminderDays: e.ALLMENDE_INDUCTION_REMINDER_DAYS,
    },
    sync: { debounceMs: e.ALLMENDE_SYNC_DEBOUNCE_MS },
    mailman:
      e.ALLMENDE_MAILMAN_URL === undefined || e.ALLMENDE_MAILMAN_PASSWORD === undefined
        ? undefined
        : {
            url: e.ALLMENDE_MAILMAN_URL.replace(/\/+$/, ''),
            user: e.ALLMENDE_MAILMAN_USER,
            password: e.ALLMENDE_MAILMAN_PASSWORD,
            timeoutMs: e.ALLMENDE_MAILMAN_TIMEOUT_MS,
            cron: e.ALLMENDE_MAILMAN_CRON,
          },
    wiki:
      e.ALLMENDE_WIKI_DATABASE_URL === undefined
        ? undefined
        : {
            databaseUrl: e.ALLMENDE_WIKI_DATABASE_URL,
            tablePrefix: e.ALLMENDE_WIKI_TABLE_PREFIX,
            groups: e.ALLMENDE_WIKI_GROUPS,
            userName: e.ALLMENDE_WIKI_USER_NAME,
            cron: e.ALLMENDE_WIKI_CRON,
          },
    jabber: {
      domain: e.ALLMENDE_JABBER_DOMAIN,
      maxFailuresPerToken: e.ALLMENDE_JABBER_MAX_FAILURES_PER_TOKEN,
      verifyCacheSeconds: e.ALLMENDE_JABBER_VERIFY_CACHE_SECONDS,
    },
    ldap:
      e.ALLMENDE_LDAP_URL === undefined || e.ALLMENDE_LDAP_BASE === undefined
        ? undefined
        : {
            url: e.ALLMENDE_LDAP_URL.replace(/\/+$/, ''),
            base: e.ALLMENDE_LDAP_BASE,
            bindDn: e.ALLMENDE_LDAP_BIND_DN ?? `cn=allmende,${e.ALLMENDE_LDAP_BASE}`,
            bindPassword: e.ALLMENDE_LDAP_BIND_PASSWORD,
            bindPasswordFile: e.ALLMENDE_LDAP_BIND_PASSWORD_FILE,
            startTls: e.ALLMENDE_LDAP_STARTTLS,
            caFile: e.ALLMENDE_LDAP_CA_FILE,
            exclusive: e.ALLMENDE_LDAP_EXCLUSIVE,
            timeoutMs: e.ALLMENDE_LDAP_TIMEOUT_MS,
            cron: e.ALLMENDE_LDAP_CRON,
          },
    calendar: {
      timeZone: e.ALLMENDE_TIME_ZONE,
      horizonMonths: e.ALLMENDE_CALENDAR_HORIZON_MONTHS,
      feedPastDays: e.ALLMENDE_CALENDAR_FEED_PAST_DAYS,
      refreshMinutes: e.ALLMENDE_CALENDAR_REFRESH_MINUTES,
      announce: {
        to: e.ALLMENDE_CALENDAR_ANNOUNCE_TO,
        cron: e.ALLMENDE_CALENDAR_ANNOUNCE_CRON,
        days: e.ALLMENDE_CALENDAR_ANNOUNCE_DAYS,
        visibility: e.ALLMENDE_CALENDAR_ANNOUNCE_VISIBILITY,
      },
    },
    space: {
      spaceApi: e.ALLMENDE_SPACEAPI,
      name: e.ALLMENDE_SPACE_NAME ?? e.ALLMENDE_CLUB_NAME,
      logoUrl: e.ALLMENDE_SPACEAPI_LOGO_URL ?? `${publicUrl}/assets/logo.svg`,
      url: e.ALLMENDE_SPACEAPI_URL ?? publicUrl,
      address: e.ALLMENDE_SPACE_ADDRESS,
      lat: e.ALLMENDE_SPACE_LAT,
      lon: e.ALLMENDE_SPACE_LON,
      contactEmail: e.ALLMENDE_SPACE_CONTACT_EMAIL ?? e.ALLMENDE_BOARD_ADDRESS,
      presenceHours: e.ALLMENDE_SPACE_PRESENCE_HOURS,
    },
  };
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

// Reads an optional .env in the working directory; real environment variables win.
export function loadEnv(path = '.env'): Record<string, string | undefined> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseDotenv(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { ...fromFile, ...process.env };
}

export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    let value = m[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? '';
    else value = value.replace(/\s+#.*$/, '');
    out[m[1]] = value;
  }
  return out;
}
