import {
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  UnprocessableError,
  type DomainError,
} from '@uhr/platform';

/** A domain refusal's code and the HTTP class it answers with: one table for the whole service. */
const STATUS: Record<string, (code: string, message: string, details?: Record<string, unknown>) => DomainError> = {
  invalid: (c, m, d) => new InvalidRequestError(c, m, d),
  conflict: (c, m, d) => new ConflictError(c, m, d),
  missing: (c, m, d) => new NotFoundError(c, m, d),
  forbidden: (c, m, d) => new ForbiddenError(c, m, d),
  unprocessable: (c, m, d) => new UnprocessableError(c, m, d),
};

const KIND: Record<string, keyof typeof STATUS> = {
  InvalidCandidate: 'invalid',
  InvalidOrgan: 'invalid',
  NothingChanged: 'invalid',
  CandidateExists: 'conflict',
  DonorExists: 'conflict',
  OrganExists: 'conflict',
  CandidateNotFound: 'missing',
  OffersStarted: 'conflict',
  OffersNotStarted: 'conflict',
  NoOpenOffer: 'conflict',
  AlreadyAccepted: 'conflict',
  OrganAllocated: 'conflict',
  NotOnRun: 'conflict',
  UnknownRefusalCode: 'invalid',
};

export interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly problems?: readonly string[];
}

/** Runs `work`, turning a domain refusal (an Error with a known code) into its HTTP answer. */
export async function refusalsAsHttp<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const r = err as Partial<Refusal>;
    const kind = typeof r.code === 'string' ? KIND[r.code] : undefined;
    if (!kind || !r.code || !r.message) throw err;
    throw STATUS[kind]!(r.code, r.message, r.problems?.length ? { problems: r.problems } : undefined);
  }
}
