import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './test-app.js';

export interface ServedApp extends TestApp {
  // http://127.0.0.1:<port>: where a real browser reaches the app, and ALLMENDE_PUBLIC_URL.
  baseUrl: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

// createTestApp, listening on a loopback port whose URL is also the public URL, so the links in
// mails lead there and the Origin check accepts the browser's forms. The port is picked first
// (the config needs the URL before the app exists); another taker in between makes it try again.
export async function createServedApp(env: Record<string, string> = {}): Promise<ServedApp> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const t = await createTestApp({ ...env, ALLMENDE_PUBLIC_URL: baseUrl });
    try {
      await t.app.listen(port, '127.0.0.1');
      return { ...t, baseUrl };
    } catch (err) {
      await t.close();
      if (attempt >= 3 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}
