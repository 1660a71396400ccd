import { runService } from '@uhr/platform';
import { drugTraceConfig } from './config.js';
import { DRUG_TRACE_APP_OPTIONS, DrugTraceModule } from './drug-trace.module.js';

const config = drugTraceConfig();
await runService(DrugTraceModule.forRoot(config), config, DRUG_TRACE_APP_OPTIONS);
