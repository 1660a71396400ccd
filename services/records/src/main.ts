import { runService } from '@uhr/platform';
import { recordsConfig } from './config.js';
import { RecordsModule } from './records.module.js';

const config = recordsConfig();
// FHIR documents and scanned reports: up to 10 MB as JSON (base64 for files).
await runService(RecordsModule.forRoot(config), config, { bodyLimit: '10mb' });
