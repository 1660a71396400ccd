import { Injectable } from '@nestjs/common';
import type { EventContext } from '@uhr/platform';
import { IdentityRepository } from '../../identity.repository.js';
import { refusalsAsHttp } from '../rule-violation.js';

/** Key-loss recovery: the registrar binds the identity to a new address; the old key stops working. */
@Injectable()
export class RebindIdentityUseCase {
  constructor(private readonly identities: IdentityRepository) {}

  async execute(id: string, newAddress: string, reason: string, ctx: EventContext) {
    await refusalsAsHttp(() =>
      this.identities.execute(id, { type: 'RebindIdentity', newAddress, reason, by: ctx.actor }, ctx),
    );
    return this.identities.byId(id);
  }
}
