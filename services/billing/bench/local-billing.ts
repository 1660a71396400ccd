import { randomBytes } from 'node:crypto';
import { createServiceApp } from '@uhr/platform';
import { dropTestDatabase, loadStackEnv } from '@uhr/platform/testing';
import { DataSource } from 'typeorm';
import { BILLING_APP_OPTIONS, BillingModule } from '../src/billing.module.js';
import { billingConfig } from '../src/config.js';

/** Billing booted in this process on a throwaway database, against the running servers (bench, demo). */
export async function bootLocalBilling(prefix: string) {
  // The running platform's endpoints and local secrets (.uhr/env), as the other benches take them.
  const config = billingConfig({
    ...loadStackEnv(),
    PORT: '0',
    UHR_DATABASE: `${prefix}_${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  });
  const app = await createServiceApp(BillingModule.forRoot(config), config, BILLING_APP_OPTIONS);
  await app.listen(0, '127.0.0.1');
  return {
    url: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    ds: app.get(DataSource),
    async close() {
      await app.close();
      await dropTestDatabase(config.database);
    },
  };
}
