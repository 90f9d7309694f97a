import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const EJABBERDCTL = '/usr/sbin/ejabberdctl';

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

// Debian's ejabberd in a sandbox: its own node name, config, spool and logs under dir (which
// the ejabberd user must be able to enter), c2s on a free loopback port, no epmd (ERL_DIST_PORT).
export interface Ejabberd {
  c2sPort: number;
  logs(): string;
  stop(): Promise<void>;
}

export async function startEjabberd(dir: string, config: string): Promise<Ejabberd> {
  const [c2sPort, distPort] = [await freePort(), await freePort()];
  const spool = join(dir, 'spool');
  const logs = join(dir, 'logs');
  for (const d of [spool, logs]) {
    mkdirSync(d, { recursive: true });
    chownEjabberd(d);
  }
  const yml = join(dir, 'ejabberd.yml');
  writeFileSync(
    yml,
    `${config}
loglevel: info
listen:
  - port: ${c2sPort}
    ip: "127.0.0.1"
    module: ejabberd_c2s
`,
  );
  const node = `allmende-test-${process.pid}-${c2sPort}@localhost`;
  const ctl = join(dir, 'ejabberdctl.cfg');
  writeFileSync(
    ctl,
    `ERLANG_NODE=${node}
ERL_EPMD_ADDRESS=127.0.0.1
ERL_DIST_PORT=${distPort}
INET_DIST_INTERFACE=127.0.0.1
EJABBERD_CONFIG_PATH=${yml}
EJABBERD_PID_PATH=${join(spool, 'ejabberd.pid')}
`,
  );
  for (const f of [yml, ctl]) chmodSync(f, 0o644);
  const args = ['--ctl-config', ctl, '--config', yml, '--spool', spool, '--logs', logs];
  const ctlRun = (...cmd: string[]) => run(EJABBERDCTL, [...args, ...cmd], { timeout: 90_000 });
  const logText = () => {
    try {
      return readFileSync(join(logs, 'ejabberd.log'), 'utf8');
    } catch {
      return '';
    }
  };
  await ctlRun('start');
  try {
    await ctlRun('started');
  } catch (err) {
    throw new Error(`ejabberd did not start: ${String(err)}\n${logText().slice(-3000)}`, { cause: err });
  }
  return {
    c2sPort,
    logs: logText,
    stop: async () => {
      await ctlRun('stop').catch(() => undefined);
      await ctlRun('stopped').catch(() => undefined);
      // Whatever is left (a hung VM): by the PID it wrote.
      try {
        const pid = Number(readFileSync(join(spool, 'ejabberd.pid'), 'utf8').trim());
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        /* stopped and gone */
      }
    },
  };
}

export function chownEjabberd(path: string): void {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('ejabberd:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid !== undefined && gid !== undefined) chownSync(path, Number(uid), Number(gid));
}
