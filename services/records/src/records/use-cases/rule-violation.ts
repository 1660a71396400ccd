import { ConflictError, ForbiddenError, NotFoundError, type DomainError } from '@uhr/platform';
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
