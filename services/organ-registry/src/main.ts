import { runService } from '@uhr/platform';
import { organRegistryConfig } from './config.js';
import { ORGAN_REGISTRY_APP_OPTIONS, OrganRegistryModule } from './organ-registry.module.js';

const config = organRegistryConfig();
await runService(OrganRegistryModule.forRoot(config), config, ORGAN_REGISTRY_APP_OPTIONS);
