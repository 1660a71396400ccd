import { runService } from '@uhr/platform';
import { consentConfig } from './config.js';
import { ConsentModule } from './consent.module.js';

const config = consentConfig();
await runService(ConsentModule.forRoot(config), config);
