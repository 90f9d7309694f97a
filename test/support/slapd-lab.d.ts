export declare const SLAPD_PROGRAMS: string[];

export interface SlapdPaths {
  dir: string;
  dataDir: string;
  runDir: string;
}

export interface LdapBind {
  dn: string;
  password: string;
}

export declare class SlapdLab {
  readonly dir: string;
  readonly port: number;
  readonly conf: string;
  readonly url: string;
  readonly pid: number;
  static paths(): SlapdPaths;
  static create(paths: SlapdPaths, slapdConf: string, ldif: string): Promise<SlapdLab>;
  slapadd(file: string): void;
  start(moreUrls?: string[]): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
  whoami(dn: string, password: string): { status: number; out: string };
  search(
    bind: LdapBind | null,
    base: string,
    filter: string,
    attrs?: string[],
  ): { status: number; out: string; err: string };
  modify(bind: LdapBind, ldif: string, add?: boolean): void;
}
