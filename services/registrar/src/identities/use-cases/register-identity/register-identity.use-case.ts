import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EventContext } from '@uhr/platform';
import { identityHash } from '../../domain/identity-hash.js';
import type { IdentityKind } from '../../domain/identity.js';
import { IdentityRepository } from '../../identity.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';
import { IDENTITY_PEPPER } from '../tokens.js';

export interface RegisterIdentity {
  kind: IdentityKind;
  identifier: { system: string; value: string };
  address: string;
  subject: string | null;
  displayName?: string | null;
}

@Injectable()
export class RegisterIdentityUseCase {
  constructor(
    private readonly identities: IdentityRepository,
    @Inject(IDENTITY_PEPPER) private readonly pepper: string,
  ) {}

  async execute(cmd: RegisterIdentity, ctx: EventContext, id: string = randomUUID()) {
    await refusalsAsHttp(() =>
      this.identities.execute(
        id,
        {
          type: 'RegisterIdentity',
          kind: cmd.kind,
          identifierSystem: cmd.identifier.system,
          identityHash: identityHash(this.pepper, cmd.identifier.system, cmd.identifier.value),
          address: cmd.address,
          subject: cmd.subject,
          displayName: cmd.displayName ?? null,
          by: ctx.actor,
        },
        ctx,
      ),
    );
    return this.identities.byId(id);
  }
}
