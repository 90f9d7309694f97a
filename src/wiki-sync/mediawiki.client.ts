import { crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { WikiUser } from './wiki-sync.plan.js';
import { wikiError } from './wiki-sync.errors.js';

export interface NewWikiUser {
  name: string;
  realName: string;
  email: string;
  password: string;
  groups: string[];
}

export interface MediaWikiClient {
  usersById(ids: number[]): Promise<WikiUser[]>;
  usersByName(names: string[]): Promise<WikiUser[]>;
  // A user row and its actor row, in one transaction. Returns the user id.
  createUser(user: NewWikiUser): Promise<number>;
  updateProfile(id: number, realName: string, email: string): Promise<void>;
  // Sets the hash and a new user_token (ends the user's sessions and "keep me logged in").
  setPassword(id: number, password: string): Promise<void>;
  setGroups(id: number, add: string[], remove: string[]): Promise<void>;
  block(id: number, name: string, reason: string): Promise<void>;
  unblock(id: number): Promise<void>;
  close(): Promise<void>;
}

// The user that blocks and unblocks on allmende's behalf (MediaWiki needs an actor for a block).
export const BLOCKER_NAME = 'Allmende sync';
const CHUNK = 1000;

// MediaWiki 1.39's tables in MariaDB, through mysql2. The tables are binary: strings come back
// as Buffers and are read as UTF-8.
export class MysqlMediaWikiClient implements MediaWikiClient {
  private readonly pool: mysql.Pool;
  private blockerActor: number | undefined;

  constructor(
    url: string,
    private readonly prefix = '',
  ) {
    this.pool = mysql.createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: 4, connectTimeout: 5000 });
    // An idle connection that drops must not crash the process; the next query reports it.
    this.pool.on('connection', (c) => c.on('error', () => undefined));
  }

  private t(table: string): string {
    return `\`${this.prefix}${table}\``;
  }

  async usersById(ids: number[]): Promise<WikiUser[]> {
    return this.users('user_id', ids);
  }

  async usersByName(names: string[]): Promise<WikiUser[]> {
    return this.users('user_name', names);
  }

  private async users(column: 'user_id' | 'user_name', keys: (number | string)[]): Promise<WikiUser[]> {
    const out: WikiUser[] = [];
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      const rows = await this.query<{
        user_id: number;
        user_name: Buffer;
        user_real_name: Buffer;
        user_email: Buffer;
        user_password: Buffer;
        groups: Buffer | null;
        blocked: number;
      }>(
        'reading wiki users',
        `select u.user_id, u.user_name, u.user_real_name, u.user_email, u.user_password,
                (select group_concat(ug_group separator '\\n') from ${this.t('user_groups')} where ug_user = u.user_id) as \`groups\`,
                exists(select 1 from ${this.t('ipblocks')} b where b.ipb_user = u.user_id and b.ipb_by_actor =
                       (select actor_id from ${this.t('actor')} where actor_name = ?)) as blocked
           from ${this.t('user')} u where u.${column} in (?)`,
        [BLOCKER_NAME, chunk],
      );
      for (const r of rows) {
        out.push({
          id: r.user_id,
          name: str(r.user_name),
          realName: str(r.user_real_name),
          email: str(r.user_email),
          password: str(r.user_password),
          groups: r.groups ? str(r.groups).split('\n').filter(Boolean) : [],
          blockedByUs: Number(r.blocked) === 1,
        });
      }
    }
    return out;
  }

  async createUser(u: NewWikiUser): Promise<number> {
    return this.transaction(`creating wiki user "${u.name}"`, async (c) => {
      const now = ts();
      const [res] = await c.query<mysql.ResultSetHeader>(
        `insert into ${this.t('user')} (user_name, user_real_name, user_password, user_newpassword, user_email,
            user_touched, user_token, user_email_authenticated, user_registration, user_editcount)
         values (?, ?, ?, '', ?, ?, ?, ?, ?, 0)`,
        [u.name, u.realName, u.password, u.email, now, token(), u.email ? now : null, now],
      );
      const id = res.insertId;
      await c.query(`insert into ${this.t('actor')} (actor_user, actor_name) values (?, ?)`, [id, u.name]);
      for (const g of u.groups) {
        await c.query(
          `insert ignore into ${this.t('user_groups')} (ug_user, ug_group, ug_expiry) values (?, ?, null)`,
          [id, g],
        );
      }
      return id;
    });
  }

  async updateProfile(id: number, realName: string, email: string): Promise<void> {
    await this.query(
      'updating a wiki user',
      `update ${this.t('user')} set user_real_name = ?,
          user_email_authenticated = if(user_email = ?, user_email_authenticated, ?), user_email = ?, user_touched = ?
        where user_id = ?`,
      [realName, email, email ? ts() : null, email, ts(), id],
    );
  }

  async setPassword(id: number, password: string): Promise<void> {
    await this.query(
      'setting a wiki password',
      `update ${this.t('user')} set user_password = ?, user_newpassword = '', user_newpass_time = null,
          user_token = ?, user_touched = ? where user_id = ?`,
      [password, token(), ts(), id],
    );
  }

  async setGroups(id: number, add: string[], remove: string[]): Promise<void> {
    await this.transaction('changing wiki groups', async (c) => {
      for (const g of add) {
        await c.query(
          `insert ignore into ${this.t('user_groups')} (ug_user, ug_group, ug_expiry) values (?, ?, null)`,
          [id, g],
        );
      }
      if (remove.length > 0) {
        await c.query(`delete from ${this.t('user_groups')} where ug_user = ? and ug_group in (?)`, [id, remove]);
      }
      await c.query(`update ${this.t('user')} set user_touched = ? where user_id = ?`, [ts(), id]);
    });
  }

  // An indefinite, sitewide block of the user (no autoblock: it would catch others' addresses).
  async block(id: number, name: string, reason: string): Promise<void> {
    await this.transaction(`blocking "${name}"`, async (c) => {
      const blocker = await this.blocker(c);
      const [found] = await c.query<mysql.RowDataPacket[]>(
        `select comment_id from ${this.t('comment')} where comment_hash = ? and comment_text = ? and comment_data is null limit 1`,
        [commentHash(reason), reason],
      );
      let commentId = (found[0] as { comment_id?: number } | undefined)?.comment_id;
      if (commentId === undefined) {
        const [res] = await c.query<mysql.ResultSetHeader>(
          `insert into ${this.t('comment')} (comment_hash, comment_text, comment_data) values (?, ?, null)`,
          [commentHash(reason), reason],
        );
        commentId = res.insertId;
      }
      await c.query(
        `insert ignore into ${this.t('ipblocks')} (ipb_address, ipb_user, ipb_by_actor, ipb_reason_id, ipb_timestamp,
            ipb_auto, ipb_anon_only, ipb_create_account, ipb_enable_autoblock, ipb_expiry, ipb_range_start,
            ipb_range_end, ipb_deleted, ipb_block_email, ipb_allow_usertalk, ipb_parent_block_id, ipb_sitewide)
         values (?, ?, ?, ?, ?, 0, 0, 1, 0, 'infinity', '', '', 0, 0, 0, null, 1)`,
        [name, id, blocker, commentId, ts()],
      );
      await c.query(`update ${this.t('user')} set user_touched = ? where user_id = ?`, [ts(), id]);
    });
  }

  // Lifts only allmende's block; a wiki admin's own block stays.
  async unblock(id: number): Promise<void> {
    await this.transaction('unblocking a wiki user', async (c) => {
      const blocker = await this.blocker(c);
      await c.query(`delete from ${this.t('ipblocks')} where ipb_user = ? and ipb_by_actor = ?`, [id, blocker]);
      await c.query(`update ${this.t('user')} set user_touched = ? where user_id = ?`, [ts(), id]);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  // Our system user: no password (''), MediaWiki's marker token for system users.
  private async blocker(c: mysql.PoolConnection): Promise<number> {
    if (this.blockerActor !== undefined) return this.blockerActor;
    const find = async () => {
      const [rows] = await c.query<mysql.RowDataPacket[]>(
        `select actor_id from ${this.t('actor')} where actor_name = ?`,
        [BLOCKER_NAME],
      );
      return (rows[0] as { actor_id?: number } | undefined)?.actor_id;
    };
    let actor = await find();
    if (actor === undefined) {
      const now = ts();
      const [res] = await c.query<mysql.ResultSetHeader>(
        `insert into ${this.t('user')} (user_name, user_real_name, user_password, user_newpassword, user_email,
            user_touched, user_token, user_registration, user_editcount)
         values (?, '', '', '', '', ?, '*** INVALID ***', ?, 0)`,
        [BLOCKER_NAME, now, now],
      );
      await c.query(`insert into ${this.t('actor')} (actor_user, actor_name) values (?, ?)`, [
        res.insertId,
        BLOCKER_NAME,
      ]);
      actor = await find();
    }
    this.blockerActor = Number(actor);
    return this.blockerActor;
  }

  private async query<T>(doing: string, sql: string, params: unknown[]): Promise<T[]> {
    try {
      const [rows] = await this.pool.query(sql, params);
      return rows as T[];
    } catch (err) {
      throw wikiError(err, doing);
    }
  }

  private async transaction<T>(doing: string, fn: (c: mysql.PoolConnection) => Promise<T>): Promise<T> {
    let c: mysql.PoolConnection;
    try {
      c = await this.pool.getConnection();
    } catch (err) {
      throw wikiError(err, doing);
    }
    try {
      await c.beginTransaction();
      const out = await fn(c);
      await c.commit();
      return out;
    } catch (err) {
      await c.rollback().catch(() => undefined);
      throw wikiError(err, doing);
    } finally {
      c.release();
    }
  }
}

function str(b: Buffer | string): string {
  return Buffer.isBuffer(b) ? b.toString('utf8') : b;
}

// MediaWiki's timestamps: YYYYMMDDHHMMSS in UTC.
export function ts(d = new Date()): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function token(): string {
  return randomBytes(16).toString('hex');
}

// CommentStore::hash: crc32(text) ^ crc32(data), as a signed 32-bit integer.
export function commentHash(text: string): number {
  return crc32(Buffer.from(text)) | 0;
}
