import { Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { PlatformModule, streamAnchorerMigrations, type ServiceAppOptions } from '@uhr/platform';
import { anchorerProviders } from './anchoring/anchorers.js';
import { ALERT_TOPIC, ALERT_WINDOW_MS, AlertRepository } from './anomalies/alert.repository.js';
import { AlertsController } from './anomalies/alerts.controller.js';
import { GUESSING_OPTIONS, GuessingMonitor } from './anomalies/guessing-monitor.js';
import type { DrugTraceConfig } from './config.js';
import { drugTraceMigrations } from './drug-trace.migrations.js';
import { BrowseController } from './epcis/browse.controller.js';
import { EpcisController } from './epcis/epcis.controller.js';
import { EventPages } from './epcis/event-pages.js';
import { EpcisRepository } from './epcis/epcis.repository.js';
import { EpcisSchemaValidator } from './epcis/schema-validator.js';
import { CAPTURE_OPTIONS, CaptureUseCase } from './epcis/use-cases/capture/capture.use-case.js';
import { CallerResolver } from './master-data/caller.js';
import { MasterDataController } from './master-data/master-data.controller.js';
import { MasterDataRepository, PRODUCT_TOPIC } from './master-data/master-data.repository.js';
import { EXPIRY_SWEEP_MS, ExpirySweep } from './packs/expiry-sweep.js';
import { PackRepository } from './packs/pack.repository.js';
import { PacksController } from './packs/packs.controller.js';
import { CustodyChainUseCase } from './packs/use-cases/custody-chain.use-case.js';
import { ABUSE_OPTIONS, ChangePackStateUseCase } from './packs/use-cases/change-pack-state.use-case.js';
import { RecallIndex } from './recalls/recall-index.js';
import { RecallRepository } from './recalls/recall.repository.js';
import { RecallsController } from './recalls/recalls.controller.js';
import { IssueRecallUseCase, RECALL_TOPIC } from './recalls/use-cases/issue-recall.use-case.js';
import { OutcomeLog } from './verify/outcome-log.js';
import { VerifyUseCase } from './verify/use-cases/verify.use-case.js';
import { OutcomesController } from './verify/outcomes.controller.js';
import { VerifyController } from './verify/verify.controller.js';

/**
 * EPCIS documents of up to `captureMaxEvents` events (10,000 by default) of a few hundred bytes each: up to
 * 16 MB a request; anything larger is a 413 before it is parsed.
 */
export const DRUG_TRACE_APP_OPTIONS: ServiceAppOptions = { bodyLimit: '16mb' };

/** Products into memory at boot: the first verify of each is as fast as the rest. */
class WarmCaches implements OnApplicationBootstrap {
  constructor(private readonly masterData: MasterDataRepository) {}
  onApplicationBootstrap() {
    return this.masterData.warm();
  }
}

/** Every controller of the service, once: the module mounts them and test/openapi.unit.spec.ts documents
 * them, so a new controller cannot be left out of the OpenAPI check. */
export const DRUG_TRACE_CONTROLLERS = [
  MasterDataController,
  EpcisController,
  BrowseController,
  VerifyController,
  PacksController,
  RecallsController,
  AlertsController,
  OutcomesController,
];

@Module({})
export class DrugTraceModule {
  static forRoot(config: DrugTraceConfig, opts: { workers?: boolean } = {}): DynamicModule {
    const workers = opts.workers !== false;
    return {
      module: DrugTraceModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: [...streamAnchorerMigrations, ...drugTraceMigrations],
          topics: [ALERT_TOPIC, RECALL_TOPIC, PRODUCT_TOPIC],
          workers,
        }),
      ],
      controllers: DRUG_TRACE_CONTROLLERS,
      providers: [
        ...anchorerProviders(config, workers),
        {
          provide: CAPTURE_OPTIONS,
          useValue: { maxEvents: config.captureMaxEvents, maxTravelKmh: config.maxTravelKmh },
        },
        {
          provide: GUESSING_OPTIONS,
          useValue: { threshold: config.guessingThreshold, windowMs: config.guessingWindowMs },
        },
        { provide: ABUSE_OPTIONS, useValue: { windowMs: config.abuseWindowMs, minPharmacies: config.abusePharmacies } },
        { provide: EXPIRY_SWEEP_MS, useValue: config.expirySweepMs },
        { provide: ALERT_WINDOW_MS, useValue: config.alertWindowMs },
        ExpirySweep,
        { provide: EpcisSchemaValidator, useFactory: () => new EpcisSchemaValidator() },
        {
          provide: WarmCaches,
          inject: [MasterDataRepository],
          useFactory: (m: MasterDataRepository) => new WarmCaches(m),
        },
        MasterDataRepository,
        CallerResolver,
        EpcisRepository,
        EventPages,
        PackRepository,
        AlertRepository,
        GuessingMonitor,
        CaptureUseCase,
        RecallIndex,
        RecallRepository,
        IssueRecallUseCase,
        OutcomeLog,
        VerifyUseCase,
        ChangePackStateUseCase,
        CustodyChainUseCase,
      ],
    };
  }
}
