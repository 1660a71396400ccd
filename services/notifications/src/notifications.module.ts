import { Module, type DynamicModule } from '@nestjs/common';
import { KeyRing, PlatformModule } from '@uhr/platform';
import { CLOCK, systemClock, type Clock } from './clock.js';
import type { NotificationsConfig } from './config.js';
import { CONSUMER_OPTIONS, NotificationsConsumer } from './delivery/notifications.consumer.js';
import { SkippedEventsRepository } from './delivery/skipped-events.repository.js';
import { StatsController } from './delivery/stats.controller.js';
import { DeliverEventUseCase } from './delivery/use-cases/deliver-event/deliver-event.use-case.js';
import {
  AUDITOR_SOURCE,
  AuditorDirectory,
  keycloakRoleMembers,
  type AuditorSource,
} from './delivery/auditor-directory.js';
import { InboxController } from './inbox/inbox.controller.js';
import { InboxRepository } from './inbox/inbox.repository.js';
import { notificationsMigrations } from './notifications.migrations.js';
import { DigestScheduler } from './preferences/digest.scheduler.js';
import { PreferencesController } from './preferences/preferences.controller.js';
import { PreferencesRepository } from './preferences/preferences.repository.js';
import { SendDigestsUseCase } from './preferences/use-cases/send-digests/send-digests.use-case.js';
import { PushHub } from './stream/push-hub.js';
import { StreamController } from './stream/stream.controller.js';
import { WebhookDispatcher } from './webhooks/webhook.dispatcher.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WEBHOOK_KEY_RING, WebhookSecrets } from './webhooks/webhook-secrets.js';
import { WebhooksRepository } from './webhooks/webhooks.repository.js';

/** Every controller of the service, once: the module mounts them and test/openapi.unit.spec.ts documents
 * them, so a new controller cannot be left out of the OpenAPI check. */
export const NOTIFICATIONS_CONTROLLERS = [
  InboxController,
  PreferencesController,
  StreamController,
  WebhooksController,
  StatsController,
];

@Module({})
export class NotificationsModule {
  static forRoot(config: NotificationsConfig, opts: { clock?: Clock } = {}): DynamicModule {
    return {
      module: NotificationsModule,
      // Notifications publishes nothing: its consumer creates the topics it reads (CONSUMED_TOPICS).
      imports: [PlatformModule.forRoot({ config, migrations: notificationsMigrations, topics: [], chain: false })],
      controllers: NOTIFICATIONS_CONTROLLERS,
      providers: [
        { provide: CLOCK, useValue: opts.clock ?? systemClock },
        {
          provide: AUDITOR_SOURCE,
          useValue: {
            configured: config.auditorSubjects,
            lookup: config.keycloakClientSecret
              ? keycloakRoleMembers({
                  keycloakUrl: config.keycloakUrl,
                  realm: config.keycloakRealm,
                  clientId: 'uhr-notifications',
                  clientSecret: config.keycloakClientSecret,
                  role: config.auditorRole,
                })
              : undefined,
            refreshMs: 5 * 60_000,
          } satisfies AuditorSource,
        },
        AuditorDirectory,
        {
          provide: CONSUMER_OPTIONS,
          useValue: {
            groupId: config.consumerGroup,
            fromBeginning: config.consumeFromBeginning,
            instances: config.consumerInstances,
            topicPrefix: config.topicPrefix,
          },
        },
        {
          provide: WEBHOOK_KEY_RING,
          useFactory: () => new WebhookSecrets(KeyRing.fromConfig(config.secretKeys, config.secretActiveKid)),
        },
        InboxRepository,
        SkippedEventsRepository,
        PreferencesRepository,
        WebhooksRepository,
        DeliverEventUseCase,
        NotificationsConsumer,
        PushHub,
        WebhookDispatcher,
        SendDigestsUseCase,
        DigestScheduler,
      ],
    };
  }
}
