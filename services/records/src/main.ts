import { runService } from '@uhr/platform';
import { recordsConfig } from './config.js';
import { RECORDS_APP_OPTIONS, RecordsModule } from './records.module.js';

const config = recordsConfig();
await runService(RecordsModule.forRoot(config), config, RECORDS_APP_OPTIONS);
