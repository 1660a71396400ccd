import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError, UnprocessableError, type EventContext, type Principal } from '@uhr/platform';
import { AuditRepository } from '../../audit/audit.repository.js';
import { decideConcern, type AccessConcern } from '../../domain/access-concern.js';

export interface RaisedConcern {
  created: boolean;
  concern: AccessConcern;
}

/** A patient reports a concern about one access to their records; the auditors see it (GET /access-concerns). */
@Injectable()
export class RaiseConcernUseCase {
  constructor(private readonly audit: AuditRepository) {}

  async execute(auditId: string, message: string, p: Principal, ctx: EventContext): Promise<RaisedConcern> {
    const entry = await this.audit.byId(auditId);
    if (!entry) throw new NotFoundError('AuditEntryNotFound', `no audit entry ${auditId}`);
    const existing = await this.audit.concernAbout(auditId);
    const d = decideConcern(entry, p.subject, message, existing, ctx.occurredAt);
    if ('refused' in d) {
      if (d.refused === 'NotThePatient') throw new ForbiddenError(d.refused, d.message);
      throw new UnprocessableError(d.refused, d.message);
    }
    if ('already' in d) return { created: false, concern: d.already };
    if (await this.audit.raiseConcern(d.raise, d.event, ctx)) return { created: true, concern: d.raise };
    // Raised by a concurrent click in between: the first one stands.
    return { created: false, concern: (await this.audit.concernAbout(auditId))! };
  }
}
