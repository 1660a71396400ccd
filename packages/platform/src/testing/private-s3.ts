import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { repoRoot, waitFor } from './index.ts';

/**
 * An S3 server of a test's own (the same S3Proxy scripts/stack.sh runs, SigV4, filesystem-backed), for outage
 * tests that stop and restart storage under load: data under `<repo>/.uhr/private/s3-<port>`, a free port, the
 * stack's credentials. Stopping it is SIGKILL (a crash); starting it again keeps its objects.
 */
export interface PrivateS3 {
  endpoint: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

function s3proxyJar(): string {
  const cache = join(repoRoot(), '.uhr', 'cache');
  const jar = existsSync(cache)
    ? readdirSync(cache).find((f) => /^s3proxy-.*-jar-with-dependencies\.jar$/.test(f))
    : undefined;
  if (!jar) throw new Error(`no S3Proxy jar in ${cache}: run scripts/stack.sh up s3 once`);
  return join(cache, jar);
}

export async function startPrivateS3(accessKey: string, secretKey: string): Promise<PrivateS3> {
  const port = await freePort();
  const dir = join(repoRoot(), '.uhr', 'private', `s3-${port}`);
  mkdirSync(join(dir, 'blobs'), { recursive: true });
  const endpoint = `http://127.0.0.1:${port}`;
  const props = join(dir, 's3proxy.properties');
  writeFileSync(
    props,
    [
      `s3proxy.endpoint=${endpoint}`,
      's3proxy.authorization=aws-v2-or-v4',
      `s3proxy.identity=${accessKey}`,
      `s3proxy.credential=${secretKey}`,
      'jclouds.provider=filesystem',
      `jclouds.filesystem.basedir=${join(dir, 'blobs')}`,
      'jclouds.regions=us-east-1',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  const self: PrivateS3 = {
    endpoint,
    async start() {
      child = spawn('java', ['-Xmx256m', '-jar', s3proxyJar(), '--properties', props], { stdio: 'ignore' });
      // Any HTTP answer (an S3 error for an anonymous request included) means the server is up.
      await waitFor(`private s3 on ${port}`, () => fetch(`${endpoint}/`).then(() => true), {
        timeoutMs: 60_000,
        intervalMs: 300,
      });
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      running.kill('SIGKILL');
      await waitFor('private s3 exited', () => running.exitCode !== null || running.signalCode !== null, {
        timeoutMs: 15_000,
      }).catch(() => undefined);
    },
    close: () => self.stop(),
  };
  await self.start();
  return self;
}
