import { runService } from '@uhr/platform';
import { recordsConfig } from './config.js';
import { RecordsModule } from './records.module.js';

const config = recordsConfig();
await runService(RecordsModule.forRoot(config), config);
