import { ConflictError, NotFoundError, UnprocessableError, type DomainError } from '@uhr/platform';
import { IdentityRuleViolation } from '../domain/identity.js';

/** The aggregate's refusals as API errors: 404, 409 or 422 with the rule that was broken. */
export async function refusalsAsHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof IdentityRuleViolation)) throw err;
    const mapped: DomainError =
      err.code === 'IdentityNotFound'
        ? new NotFoundError(err.code, err.message)
        : err.code === 'NothingToChange' || err.code === 'PatientsAreNotListed'
          ? new UnprocessableError(err.code, err.message)
          : new ConflictError(err.code, err.message);
    throw mapped;
  }
}
