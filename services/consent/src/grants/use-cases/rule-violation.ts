import { ConflictError, ForbiddenError, InvalidRequestError, NotFoundError, type DomainError } from '@uhr/platform';
import { GrantRuleViolation } from '../domain/grant.js';

export async function refusalsAsHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof GrantRuleViolation)) throw err;
    const mapped: DomainError =
      err.code === 'GrantNotFound'
        ? new NotFoundError(err.code, err.message)
        : err.code === 'NotThePatient'
          ? new ForbiddenError(err.code, err.message)
          : err.code === 'InvalidWindow' || err.code === 'InvalidScope' || err.code === 'InvalidGrantee'
            ? new InvalidRequestError(err.code, err.message)
            : new ConflictError(err.code, err.message);
    throw mapped;
  }
}
