import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, IdentityDirectory, identityDirectoryMigrations } from '@uhr/platform';
import { AccessRequestRepository, ACCESS_REQUEST_TOPIC } from './access-requests/access-request.repository.js';
import { AccessRequestsController } from './access-requests/access-requests.controller.js';
import { BreakGlassController } from './break-glass/break-glass.controller.js';
import { BREAK_GLASS_TOPIC, BreakGlassService } from './break-glass/break-glass.service.js';
import { Contracts } from './chain/contracts.js';
import type { ConsentConfig } from './config.js';
import { ConsentChainAdapter } from './grants/chain/consent-chain.adapter.js';
import { grantMigrations } from './grants/grant.migrations.js';
import { GRANT_TOPIC, GrantRepository } from './grants/grant.repository.js';
import { GrantsController } from './grants/grants.controller.js';
import { ExpireGrantsWorker } from './grants/use-cases/expire-grants/expire-grants.worker.js';
import { IssueGrantUseCase } from './grants/use-cases/issue-grant/issue-grant.use-case.js';
import { RevokeGrantUseCase } from './grants/use-cases/revoke-grant/revoke-grant.use-case.js';
import { RelationshipsController } from './relationships/relationships.controller.js';
import { RELATIONSHIP_TOPIC, RelationshipsService } from './relationships/relationships.service.js';

@Module({})
export class ConsentModule {
  static forRoot(config: ConsentConfig, opts: { workers?: boolean } = {}): DynamicModule {
    return {
      module: ConsentModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: [...identityDirectoryMigrations, ...grantMigrations],
          topics: [GRANT_TOPIC, ACCESS_REQUEST_TOPIC, BREAK_GLASS_TOPIC, RELATIONSHIP_TOPIC],
          workers: opts.workers,
        }),
      ],
      controllers: [GrantsController, AccessRequestsController, BreakGlassController, RelationshipsController],
      providers: [
        Contracts,
        IdentityDirectory,
        GrantRepository,
        AccessRequestRepository,
        ConsentChainAdapter,
        IssueGrantUseCase,
        RevokeGrantUseCase,
        ExpireGrantsWorker,
        BreakGlassService,
        RelationshipsService,
      ],
    };
  }
}
