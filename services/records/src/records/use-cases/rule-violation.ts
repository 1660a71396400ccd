import { ConflictError, ForbiddenError, NotFoundError, type DomainError, type EventContext } from '@uhr/platform';
import { RecordRuleViolation } from '../domain/record.js';

/** The aggregate's refusals as API errors. */
export async function refusalsAsHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof RecordRuleViolation)) throw err;
    const mapped: DomainError =
      err.code === 'RecordNotFound'
        ? new NotFoundError(err.code, err.message)
        : err.code === 'NotTheAuthor' || err.code === 'NotThePatient'
          ? new ForbiddenError(err.code, err.message)
          : new ConflictError(err.code, err.message);
    throw mapped;
  }
}

/**
 * Signatures verified here (not by the contract) still honour their deadline: one past it is refused, to be signed
 * again, as the chain would have refused it.
 */
export function assertBeforeDeadline(message: string, deadline: string, ctx: EventContext): void {
  if (Number(deadline) < Math.floor(ctx.occurredAt.getTime() / 1000)) {
    throw new ConflictError('SignatureExpired', `the ${message} signature has passed its deadline: sign again`);
  }
}
