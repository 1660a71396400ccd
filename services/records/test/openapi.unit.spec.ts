import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { GatekeeperController } from '../src/gatekeeper/gatekeeper.controller.js';
import { RecordsController } from '../src/records/records.controller.js';
import { SigningController } from '../src/signing/signing.controller.js';

it('documents every operation of its controllers: a summary, a described success answer and, unless public, its 401', async () => {
  const doc = await openApiOfControllers([RecordsController, GatekeeperController, SigningController], 'records');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/records', '/records/{id}/read', '/access-log', '/signing']),
  );
  expect(undocumentedOperations(doc, ['GET /signing'])).toEqual([]);
});
