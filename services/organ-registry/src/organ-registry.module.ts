import { Module, type DynamicModule } from '@nestjs/common';
import {
  anchorStreamId,
  ChainWriter,
  contractAddress,
  DEPLOYMENT,
  bucketBootstrap,
  EncryptedBlobStore,
  KeyRing,
  LOGGER,
  PlatformModule,
  StreamAnchorer,
  type Deployment,
  type ServiceAppOptions,
} from '@uhr/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AllocationController } from './allocation/allocation.controller.js';
import { ALLOCATION_TOPIC, AllocationRepository } from './allocation/allocation.repository.js';
import { OFFER_WORKERS, OfferExpiryWorker } from './allocation/offer-expiry.worker.js';
import { AllocateOrganUseCase } from './allocation/use-cases/allocate-organ.use-case.js';
import { AccessAudit, INTEGRITY_TOPIC } from './audit/access-audit.js';
import { AuditController } from './audit/audit.controller.js';
import type { OrganRegistryConfig } from './config.js';
import { CustodyChain } from './custody/custody-chain.js';
import { CustodyController } from './custody/custody.controller.js';
import { CustodyRepository } from './custody/custody.repository.js';
import { CustodyUseCase } from './custody/use-cases/custody.use-case.js';
import { DonationController } from './donation/donation.controller.js';
import { ISCHEMIA_WORKERS, IschemiaWorker } from './donation/ischemia/ischemia.worker.js';
import { DONATION_TOPIC, DonationRepository } from './donation/donation.repository.js';
import { RecordOrganUseCase } from './donation/use-cases/record-organ/record-organ.use-case.js';
import { RegisterDonorUseCase } from './donation/use-cases/register-donor/register-donor.use-case.js';
import { MatchRunRepository, MATCHING_TOPIC } from './matching/match-run.repository.js';
import { MatchingController } from './matching/matching.controller.js';
import { ReplayMatchUseCase } from './matching/use-cases/replay-match/replay-match.use-case.js';
import { RunMatchUseCase } from './matching/use-cases/run-match/run-match.use-case.js';
import { organRegistryMigrations } from './migrations.js';
import { CLOCK, systemClock, type Clock } from './shared/clock.js';
import { FACT_ANCHORER, ORGAN_REGISTRY_CONFIG } from './shared/tokens.js';
import { CANDIDATE_TOPIC, CandidateRepository } from './waitlist/candidate.repository.js';
import { ListCandidateUseCase } from './waitlist/use-cases/list-candidate/list-candidate.use-case.js';
import { UpdateCandidateUseCase } from './waitlist/use-cases/update-candidate/update-candidate.use-case.js';
import { WaitlistController } from './waitlist/waitlist.controller.js';

export interface OrganRegistryOptions {
  workers?: boolean;
  clock?: Clock;
}

/** Every controller of the service, once: the module mounts them and test/openapi.unit.spec.ts documents
 * them, so a new controller cannot be left out of the OpenAPI check. */
export const ORGAN_REGISTRY_CONTROLLERS = [
  WaitlistController,
  DonationController,
  MatchingController,
  AllocationController,
  CustodyController,
  AuditController,
];

@Module({})
export class OrganRegistryModule {
  static forRoot(config: OrganRegistryConfig, opts: OrganRegistryOptions = {}): DynamicModule {
    return {
      module: OrganRegistryModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: organRegistryMigrations,
          topics: [CANDIDATE_TOPIC, DONATION_TOPIC, MATCHING_TOPIC, ALLOCATION_TOPIC, INTEGRITY_TOPIC],
          workers: opts.workers,
        }),
      ],
      controllers: ORGAN_REGISTRY_CONTROLLERS,
      providers: [
        { provide: CLOCK, useValue: opts.clock ?? systemClock },
        { provide: ORGAN_REGISTRY_CONFIG, useValue: config },
        {
          provide: EncryptedBlobStore,
          useFactory: () =>
            new EncryptedBlobStore(
              {
                endpoint: config.s3Endpoint,
                accessKey: config.s3AccessKey,
                secretKey: config.s3SecretKey,
                bucket: config.bucket,
              },
              KeyRing.fromConfig(config.kekRing, config.kekActive),
            ),
        },
        bucketBootstrap('organ-registry'),
        {
          // One stream for the registry's anchored facts: donor consents and match runs.
          provide: FACT_ANCHORER,
          inject: [DataSource, ChainWriter, LOGGER, DEPLOYMENT],
          useFactory: (ds: DataSource, writer: ChainWriter, logger: Logger, deployment: Deployment) =>
            new StreamAnchorer(
              {
                name: 'organ-registry.facts',
                stream: anchorStreamId('uhr.organ-registry.facts', config.database),
                anchorsAddress: contractAddress(deployment, 'Anchors'),
                intervalMs: config.anchorIntervalMs,
                workers: opts.workers !== false,
              },
              ds,
              writer,
              logger,
            ),
        },
        AccessAudit,
        CandidateRepository,
        ListCandidateUseCase,
        UpdateCandidateUseCase,
        DonationRepository,
        RegisterDonorUseCase,
        RecordOrganUseCase,
        MatchRunRepository,
        RunMatchUseCase,
        ReplayMatchUseCase,
        { provide: OFFER_WORKERS, useValue: opts.workers !== false },
        AllocationRepository,
        AllocateOrganUseCase,
        OfferExpiryWorker,
        { provide: ISCHEMIA_WORKERS, useValue: opts.workers !== false },
        IschemiaWorker,
        CustodyChain,
        CustodyRepository,
        CustodyUseCase,
      ],
    };
  }
}

/** Consent documents arrive as base64 in JSON: up to 10 MB a request. */
export const ORGAN_REGISTRY_APP_OPTIONS: ServiceAppOptions = { bodyLimit: '10mb' };
