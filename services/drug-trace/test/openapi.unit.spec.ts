import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { AlertsController } from '../src/anomalies/alerts.controller.js';
import { BrowseController } from '../src/epcis/browse.controller.js';
import { EpcisController } from '../src/epcis/epcis.controller.js';
import { MasterDataController } from '../src/master-data/master-data.controller.js';
import { PacksController } from '../src/packs/packs.controller.js';
import { RecallsController } from '../src/recalls/recalls.controller.js';
import { OutcomesController } from '../src/verify/outcomes.controller.js';
import { VerifyController } from '../src/verify/verify.controller.js';

// Every operation needs a login, the GS1 resolver (VRS) included: none is public.
it('documents every operation of its controllers: a summary, a described success answer and its 401', async () => {
  const doc = await openApiOfControllers(
    [
      MasterDataController,
      EpcisController,
      BrowseController,
      VerifyController,
      PacksController,
      RecallsController,
      AlertsController,
      OutcomesController,
    ],
    'drug-trace',
  );
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/capture', '/events', '/bizSteps/{value}/events', '/01/{gtin}/10/{lot}/21/{serial}']),
  );
  expect(undocumentedOperations(doc, [])).toEqual([]);
});
