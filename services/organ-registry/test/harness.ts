// Integration harness: the organ registry in-process on its own database, against the running PostgreSQL,
// Kafka, Keycloak, S3 and anvil (its chain signer is anvil account 6, ANCHORER on Anchors in the stack).
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createServiceApp, StreamAnchorer } from '@uhr/platform';
import { dropTestDatabase } from '@uhr/platform/testing';
import { DataSource } from 'typeorm';
import { apiAs, type Api } from '../demo/http.js';
import { organRegistryConfig } from '../src/config.js';
import { ORGAN_REGISTRY_APP_OPTIONS, OrganRegistryModule } from '../src/organ-registry.module.js';
import type { Clock } from '../src/shared/clock.js';
import { FACT_ANCHORER } from '../src/shared/tokens.js';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private at = Date.now()) {}
  now() {
    return new Date(this.at);
  }
  advance(ms: number) {
    this.at += ms;
  }
}

export type { Reply } from '../demo/http.js';

export interface Registry {
  url: string;
  app: INestApplication;
  db: DataSource;
  anchorer: StreamAnchorer;
  clock: TestClock;
  as(username: string): Promise<Api>;
  /** Stops the app (as a crash or a rolling update would) and starts it again on the same database and clock. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startRegistry(env: NodeJS.ProcessEnv = {}): Promise<Registry> {
  const database = `uhr_organ_registry_test_${randomBytes(4).toString('hex')}`;
  const config = organRegistryConfig({
    ...process.env,
    PORT: '0',
    UHR_DATABASE: database,
    UHR_ORGAN_REGISTRY_BUCKET: 'uhr-organ-registry-test',
    UHR_ORGAN_REGISTRY_ANCHOR_INTERVAL_MS: '300',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...env,
  });
  const clock = new TestClock();
  const boot = async () => {
    const app = await createServiceApp(
      OrganRegistryModule.forRoot(config, { clock }),
      config,
      ORGAN_REGISTRY_APP_OPTIONS,
    );
    await app.listen(0, '127.0.0.1');
    return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
  };
  const first = await boot();
  const registry: Registry = {
    ...first,
    clock,
    db: first.app.get(DataSource),
    anchorer: first.app.get<StreamAnchorer>(FACT_ANCHORER),
    as: (username) => apiAs(() => registry.url, username),
    async restart() {
      await registry.app.close();
      const next = await boot();
      Object.assign(registry, next, {
        db: next.app.get(DataSource),
        anchorer: next.app.get<StreamAnchorer>(FACT_ANCHORER),
      });
    },
    async close() {
      await registry.app.close();
      await dropTestDatabase(database);
    },
  };
  return registry;
}
