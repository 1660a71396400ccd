import { runService } from '@uhr/platform';
import { notificationsConfig } from './config.js';
import { NotificationsModule } from './notifications.module.js';

const config = notificationsConfig();
await runService(NotificationsModule.forRoot(config), config);
