export declare const MAILMAN_PROGRAMS: string[];
export declare const MEDIAWIKI_PROGRAMS: string[];
export declare function freePort(): Promise<number>;
export declare function sleep(ms: number): Promise<void>;

export declare class MailmanLab {
  readonly user: string;
  readonly password: string;
  readonly url: string;
  readonly dir: string;
  readonly port: number;
  static create(): Promise<MailmanLab>;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
  rest(method: string, path: string, body?: Record<string, unknown>): Promise<{ status: number; json: unknown }>;
  createList(address: string): Promise<void>;
  roster(address: string): Promise<{ email: string; displayName: string }[]>;
  emails(address: string): Promise<string[]>;
}

export interface LabWikiUser {
  id: number;
  password: string;
  token: string;
  realName: string;
  email: string;
  groups: string[];
  blocked: boolean;
}

export declare class MediaWikiLab {
  readonly url: string;
  readonly databaseUrl: string;
  readonly dbName: string;
  static create(extraSettings?: string): Promise<MediaWikiLab>;
  createUser(name: string, password: string): void;
  sql(statements: string, database?: string): string;
  startDatabase(): Promise<void>;
  stopDatabase(): Promise<void>;
  destroy(): Promise<void>;
  clientLogin(username: string, password: string): Promise<{ status: string; message?: string; [k: string]: unknown }>;
  user(name: string): LabWikiUser | null;
}
