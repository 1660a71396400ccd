import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { RECORDS_CONTROLLERS } from '../src/records.module.js';

it('documents every operation of its controllers: a summary, a described success answer and, unless public, its 401', async () => {
  const doc = await openApiOfControllers(RECORDS_CONTROLLERS, 'records');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/records', '/records/{id}/read', '/access-log', '/signing']),
  );
  expect(undocumentedOperations(doc, ['GET /signing'])).toEqual([]);
});
