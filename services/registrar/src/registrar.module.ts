import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@uhr/platform';
import type { RegistrarConfig } from './config.js';
import { IdentityChainAdapter } from './identities/chain/identity-chain.adapter.js';
import { DirectoryController } from './identities/directory.controller.js';
import { IdentitiesController } from './identities/identities.controller.js';
import { identityMigrations } from './identities/identity.migrations.js';
import { IDENTITY_TOPIC, IdentityRepository } from './identities/identity.repository.js';
import { EditIdentityUseCase } from './identities/use-cases/edit-identity/edit-identity.use-case.js';
import { RebindIdentityUseCase } from './identities/use-cases/rebind-identity/rebind-identity.use-case.js';
import { RegisterIdentityUseCase } from './identities/use-cases/register-identity/register-identity.use-case.js';
import { RetireIdentityUseCase } from './identities/use-cases/retire-identity/retire-identity.use-case.js';
import { IDENTITY_PEPPER } from './identities/use-cases/tokens.js';

@Module({})
export class RegistrarModule {
  static forRoot(config: RegistrarConfig, opts: { workers?: boolean } = {}): DynamicModule {
    return {
      module: RegistrarModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: identityMigrations,
          topics: [IDENTITY_TOPIC],
          workers: opts.workers,
        }),
      ],
      controllers: [IdentitiesController, DirectoryController],
      providers: [
        { provide: IDENTITY_PEPPER, useValue: config.identityPepper },
        IdentityRepository,
        RegisterIdentityUseCase,
        EditIdentityUseCase,
        RetireIdentityUseCase,
        RebindIdentityUseCase,
        IdentityChainAdapter,
      ],
    };
  }
}
