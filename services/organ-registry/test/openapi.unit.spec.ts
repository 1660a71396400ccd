import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { ORGAN_REGISTRY_CONTROLLERS } from '../src/organ-registry.module.js';

it('documents every operation of its controllers: a summary, a described success answer and, unless public, its 401', async () => {
  const doc = await openApiOfControllers(ORGAN_REGISTRY_CONTROLLERS, 'organ-registry');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/candidates', '/donors', '/match-runs', '/allocations/{id}/transplant', '/audit/access']),
  );
  // The published allocation policy is open to anyone, so anyone can replay a run.
  expect(undocumentedOperations(doc, ['GET /policies/{version}'])).toEqual([]);
});
