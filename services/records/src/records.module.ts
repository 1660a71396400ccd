import { Module, type DynamicModule } from '@nestjs/common';
import {
  type ServiceAppOptions,
  bucketBootstrap,
  EncryptedBlobStore,
  KeyRing,
  PlatformModule,
  IdentityDirectory,
  identityDirectoryMigrations,
} from '@uhr/platform';
import { Contracts } from './chain/contracts.js';
import type { RecordsConfig } from './config.js';
import { auditMigrations } from './gatekeeper/audit/audit.migrations.js';
import { ACCESS_TOPIC, AuditRepository } from './gatekeeper/audit/audit.repository.js';
import { BlobReader } from './gatekeeper/blob-reader.js';
import { RECORDS_KEY_RING, RecordTitles } from './records/record-titles.js';
import { OrphanPackSweeper } from './records/orphans/orphan-pack-sweeper.js';
import { EraseRecordUseCase } from './records/use-cases/erase-record/erase-record.use-case.js';
import { RotateKekUseCase } from './records/use-cases/rotate-kek/rotate-kek.use-case.js';
import { AuditAnchorer } from './gatekeeper/chain/audit-anchorer.js';
import { GrantUseAdapter } from './gatekeeper/chain/grant-use.adapter.js';
import { GatekeeperController } from './gatekeeper/gatekeeper.controller.js';
import { GrantIndex } from './gatekeeper/grant-index.js';
import { PermissionCache } from './gatekeeper/permission-cache.js';
import { RaiseConcernUseCase } from './gatekeeper/use-cases/raise-concern/raise-concern.use-case.js';
import { ReadRecordUseCase } from './gatekeeper/use-cases/read-record/read-record.use-case.js';
import { RecordBatchRepository } from './records/batches/record-batch.repository.js';
import { RecordBatcher } from './records/batches/record-batcher.js';
import { recordMigrations } from './records/record.migrations.js';
import { RECORD_TOPIC, RecordRepository } from './records/record.repository.js';
import { RecordsController } from './records/records.controller.js';
import { SigningController } from './signing/signing.controller.js';
import { RespondToRecordUseCase } from './records/use-cases/respond-to-record/respond-to-record.use-case.js';
import { SignRecordAnchorUseCase } from './records/use-cases/sign-record-anchor/sign-record-anchor.use-case.js';
import { UploadRecordUseCase } from './records/use-cases/upload-record/upload-record.use-case.js';
import { UploadPacker } from './records/use-cases/upload-record/upload-packer.js';

/** How the records HTTP app is built, in production and in tests alike: FHIR documents, scanned reports and
 * bulk batches (up to 1,000 records of a few KiB) as JSON, base64 for files — up to 10 MB a request. */
export const RECORDS_APP_OPTIONS: ServiceAppOptions = { bodyLimit: '10mb' };

/** Every controller of the service, once: the module mounts them and test/openapi.unit.spec.ts documents
 * them, so a new controller cannot be left out of the OpenAPI check. */
export const RECORDS_CONTROLLERS = [RecordsController, GatekeeperController, SigningController];

@Module({})
export class RecordsModule {
  static forRoot(config: RecordsConfig, opts: { workers?: boolean } = {}): DynamicModule {
    return {
      module: RecordsModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: [...identityDirectoryMigrations, ...recordMigrations, ...auditMigrations],
          topics: [RECORD_TOPIC, ACCESS_TOPIC],
          workers: opts.workers,
        }),
      ],
      controllers: RECORDS_CONTROLLERS,
      providers: [
        { provide: RECORDS_KEY_RING, useFactory: () => KeyRing.fromConfig(config.kekRing, config.kekActive) },
        {
          provide: EncryptedBlobStore,
          inject: [RECORDS_KEY_RING],
          useFactory: (ring: KeyRing) =>
            new EncryptedBlobStore(
              {
                endpoint: config.s3Endpoint,
                accessKey: config.s3AccessKey,
                secretKey: config.s3SecretKey,
                bucket: config.bucket,
              },
              ring,
            ),
        },
        BlobReader,
        bucketBootstrap('records'),
        Contracts,
        IdentityDirectory,
        RecordRepository,
        RecordTitles,
        OrphanPackSweeper,
        EraseRecordUseCase,
        RotateKekUseCase,
        RecordBatchRepository,
        RecordBatcher,
        UploadRecordUseCase,
        UploadPacker,
        SignRecordAnchorUseCase,
        RespondToRecordUseCase,
        AuditRepository,
        GrantUseAdapter,
        GrantIndex,
        PermissionCache,
        AuditAnchorer,
        ReadRecordUseCase,
        RaiseConcernUseCase,
      ],
    };
  }
}
