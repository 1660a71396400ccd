import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { AnalyticsController } from '../src/analytics/analytics.controller.js';
import { ClaimsController } from '../src/claims/claims.controller.js';
import { InvoicesController } from '../src/invoices/invoices.controller.js';
import { SchedulesController } from '../src/schedules/schedules.controller.js';

it('documents every operation of its controllers: a summary, a described success answer and, unless public, its 401', async () => {
  const doc = await openApiOfControllers(
    [SchedulesController, InvoicesController, ClaimsController, AnalyticsController],
    'billing',
  );
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/schedules', '/invoices/{id}/issue', '/claims', '/analytics/overcharges']),
  );
  // Anyone holding an invoice's QR payload verifies it: the salt is the credential.
  expect(undocumentedOperations(doc, ['POST /invoices/verify'])).toEqual([]);
});
