import { Module, type DynamicModule } from '@nestjs/common';
import {
  IdentityDirectory,
  identityDirectoryMigrations,
  PlatformModule,
  streamAnchorerMigrations,
  type ServiceAppOptions,
} from '@uhr/platform';
import { AnalyticsController } from './analytics/analytics.controller.js';
import { AnalyticsRepository } from './analytics/analytics.repository.js';
import { Anchoring, anchoringProviders } from './anchoring.js';
import { ClaimRepository } from './claims/claim.repository.js';
import { ClaimsController } from './claims/claims.controller.js';
import { ConsentAdapter } from './claims/consent.adapter.js';
import { AdjudicateClaimUseCase } from './claims/use-cases/adjudicate-claim/adjudicate-claim.use-case.js';
import { billingMigrations } from './billing.migrations.js';
import type { BillingConfig } from './config.js';
import { InvoiceAccess } from './invoices/invoice-access.js';
import { InvoiceRepository, INVOICE_TOPIC } from './invoices/invoice.repository.js';
import { InvoiceSealer } from './invoices/invoice-sealer.js';
import { InvoicesController } from './invoices/invoices.controller.js';
import { DraftInvoiceUseCase } from './invoices/use-cases/draft-invoice/draft-invoice.use-case.js';
import { FlagOverchargeUseCase } from './invoices/use-cases/flag-overcharge/flag-overcharge.use-case.js';
import { IssueInvoiceUseCase } from './invoices/use-cases/issue-invoice/issue-invoice.use-case.js';
import { VerifyInvoiceUseCase } from './invoices/use-cases/verify-invoice/verify-invoice.use-case.js';
import { PackMappingRepository } from './packs/pack-mapping.repository.js';
import { ProductConsumer } from './packs/product.consumer.js';
import { MapProductPackUseCase } from './packs/use-cases/map-product-pack/map-product-pack.use-case.js';
import { InvoicePricer } from './pricing/invoice-pricer.js';
import { ScheduleProofs } from './schedules/schedule-proofs.js';
import { SCHEDULE_TOPIC, ScheduleRepository } from './schedules/schedule.repository.js';
import { SchedulesController } from './schedules/schedules.controller.js';
import { PublishScheduleUseCase } from './schedules/use-cases/publish-schedule/publish-schedule.use-case.js';

/** Official lists arrive as base64 JSON bodies: a 100,000-row schedule is a few MB. */
export const BILLING_APP_OPTIONS: ServiceAppOptions = { bodyLimit: '48mb' };

/** Every controller of the service, once: the module mounts them and test/openapi.unit.spec.ts documents
 * them, so a new controller cannot be left out of the OpenAPI check. */
export const BILLING_CONTROLLERS = [SchedulesController, InvoicesController, ClaimsController, AnalyticsController];

@Module({})
export class BillingModule {
  static forRoot(config: BillingConfig, opts: { workers?: boolean } = {}): DynamicModule {
    const workers = opts.workers !== false;
    return {
      module: BillingModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: [...identityDirectoryMigrations, ...streamAnchorerMigrations, ...billingMigrations],
          topics: [SCHEDULE_TOPIC, INVOICE_TOPIC],
          workers: opts.workers,
        }),
      ],
      controllers: BILLING_CONTROLLERS,
      providers: [
        ...anchoringProviders({ intervalMs: config.anchorIntervalMs, workers }),
        Anchoring,
        IdentityDirectory,
        ScheduleRepository,
        ScheduleProofs,
        PublishScheduleUseCase,
        InvoicePricer,
        InvoiceRepository,
        InvoiceAccess,
        InvoiceSealer,
        DraftInvoiceUseCase,
        IssueInvoiceUseCase,
        FlagOverchargeUseCase,
        VerifyInvoiceUseCase,
        AnalyticsRepository,
        ConsentAdapter,
        ClaimRepository,
        AdjudicateClaimUseCase,
        PackMappingRepository,
        MapProductPackUseCase,
        ProductConsumer,
      ],
    };
  }
}
