import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { AllocationController } from '../src/allocation/allocation.controller.js';
import { AuditController } from '../src/audit/audit.controller.js';
import { CustodyController } from '../src/custody/custody.controller.js';
import { DonationController } from '../src/donation/donation.controller.js';
import { MatchingController } from '../src/matching/matching.controller.js';
import { WaitlistController } from '../src/waitlist/waitlist.controller.js';

it('documents every operation of its controllers: a summary, a described success answer and, unless public, its 401', async () => {
  const doc = await openApiOfControllers(
    [
      WaitlistController,
      DonationController,
      MatchingController,
      AllocationController,
      CustodyController,
      AuditController,
    ],
    'organ-registry',
  );
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/candidates', '/donors', '/match-runs', '/allocations/{id}/transplant', '/audit/access']),
  );
  // The published allocation policy is open to anyone, so anyone can replay a run.
  expect(undocumentedOperations(doc, ['GET /policies/{version}'])).toEqual([]);
});
