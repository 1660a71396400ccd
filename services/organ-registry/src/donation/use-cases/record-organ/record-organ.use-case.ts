import { Injectable } from '@nestjs/common';
import { InvalidRequestError, NotFoundError, type EventContext } from '@uhr/platform';
import { opaqueId } from '../../../shared/ids.js';
import { DonationRepository } from '../../donation.repository.js';
import { arrivalProblems, organProblems, type Organ } from '../../domain/organ.js';

/** The organ bank records a procured organ of a registered donor. */
@Injectable()
export class RecordOrganUseCase {
  constructor(private readonly donations: DonationRepository) {}

  async execute(fields: Omit<Organ, 'id'>, ctx: EventContext): Promise<Organ> {
    if (!(await this.donations.donor(fields.donorId)))
      throw new NotFoundError('DonorNotFound', `no donor ${fields.donorId}`);
    const organ: Organ = { id: opaqueId('OR'), ...fields };
    const problems = organProblems(organ, ctx.occurredAt.getTime());
    if (problems.length > 0) throw new InvalidRequestError('InvalidOrgan', problems.join('; '), { problems });
    await this.donations.recordOrgan(organ, ctx);
    return organ;
  }

  /** The organ reached the transplant centre: the cold-ischemia time so far is fixed from here. */
  async arrived(id: string, arrivedAt: number, ctx: EventContext): Promise<Organ> {
    const organ = await this.donations.organ(id);
    if (!organ) throw new NotFoundError('OrganNotFound', `no organ ${id}`);
    const problems = arrivalProblems(organ, arrivedAt, ctx.occurredAt.getTime());
    if (problems.length > 0) throw new InvalidRequestError('InvalidArrival', problems.join('; '), { problems });
    await this.donations.recordArrival(organ, arrivedAt, ctx);
    return { ...organ, arrivedAt };
  }
}
