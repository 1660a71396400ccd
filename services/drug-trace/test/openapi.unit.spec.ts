import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { DRUG_TRACE_CONTROLLERS } from '../src/drug-trace.module.js';

// Every operation needs a login, the GS1 resolver (VRS) included: none is public.
it('documents every operation of its controllers: a summary, a described success answer and its 401', async () => {
  const doc = await openApiOfControllers(DRUG_TRACE_CONTROLLERS, 'drug-trace');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/capture', '/events', '/bizSteps/{value}/events', '/01/{gtin}/10/{lot}/21/{serial}']),
  );
  expect(undocumentedOperations(doc, [])).toEqual([]);
});
