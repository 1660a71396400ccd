import { Inject, Injectable } from '@nestjs/common';
import type { EventContext } from '@uhr/platform';
import { identityHash } from '../../domain/identity-hash.js';
import type { IdentityKind } from '../../domain/identity.js';
import { IdentityRepository } from '../../identity.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';
import { IDENTITY_PEPPER } from '../tokens.js';

export interface EditIdentity {
  kind: IdentityKind;
  identifier: { system: string; value: string };
}

/** Corrects an identity's kind or identifier (a renewed licence, a mistyped national id). */
@Injectable()
export class EditIdentityUseCase {
  constructor(
    private readonly identities: IdentityRepository,
    @Inject(IDENTITY_PEPPER) private readonly pepper: string,
  ) {}

  async execute(id: string, cmd: EditIdentity, ctx: EventContext) {
    await refusalsAsHttp(() =>
      this.identities.execute(
        id,
        {
          type: 'EditIdentity',
          kind: cmd.kind,
          identifierSystem: cmd.identifier.system,
          identityHash: identityHash(this.pepper, cmd.identifier.system, cmd.identifier.value),
          by: ctx.actor,
        },
        ctx,
      ),
    );
    return this.identities.byId(id);
  }
}
