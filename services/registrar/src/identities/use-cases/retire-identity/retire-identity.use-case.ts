import { Injectable } from '@nestjs/common';
import type { EventContext } from '@uhr/platform';
import { IdentityRepository } from '../../identity.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';

/** Retires an identity (death, licence withdrawn, duplicate): its address no longer signs for it. */
@Injectable()
export class RetireIdentityUseCase {
  constructor(private readonly identities: IdentityRepository) {}

  async execute(id: string, reason: string, ctx: EventContext) {
    await refusalsAsHttp(() => this.identities.execute(id, { type: 'RetireIdentity', reason, by: ctx.actor }, ctx));
    return this.identities.byId(id);
  }
}
