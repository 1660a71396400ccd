import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { BILLING_CONTROLLERS } from '../src/billing.module.js';

it('documents every operation of its controllers: a summary, a described success answer and, unless public, its 401', async () => {
  const doc = await openApiOfControllers(BILLING_CONTROLLERS, 'billing');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/schedules', '/invoices/{id}/issue', '/claims', '/analytics/overcharges']),
  );
  // Anyone holding an invoice's QR payload verifies it: the salt is the credential.
  expect(undocumentedOperations(doc, ['POST /invoices/verify'])).toEqual([]);
});
