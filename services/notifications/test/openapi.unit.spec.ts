import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { StatsController } from '../src/delivery/stats.controller.js';
import { InboxController } from '../src/inbox/inbox.controller.js';
import { PreferencesController } from '../src/preferences/preferences.controller.js';
import { StreamController } from '../src/stream/stream.controller.js';
import { WebhooksController } from '../src/webhooks/webhooks.controller.js';

it('documents every operation of its controllers: a summary, a described success answer and its 401', async () => {
  const doc = await openApiOfControllers(
    [InboxController, PreferencesController, StreamController, WebhooksController, StatsController],
    'notifications',
  );
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/inbox', '/preferences', '/stream', '/webhooks', '/stats']),
  );
  expect(undocumentedOperations(doc, [])).toEqual([]);
});
