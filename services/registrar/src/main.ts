import { runService } from '@uhr/platform';
import { registrarConfig } from './config.js';
import { RegistrarModule } from './registrar.module.js';

const config = registrarConfig();
await runService(RegistrarModule.forRoot(config), config);
