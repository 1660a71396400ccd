import { runService } from '@uhr/platform';
import { billingConfig } from './config.js';
import { BILLING_APP_OPTIONS, BillingModule } from './billing.module.js';

const config = billingConfig();
await runService(BillingModule.forRoot(config), config, BILLING_APP_OPTIONS);
