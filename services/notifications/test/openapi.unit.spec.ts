import { expect, it } from '@jest/globals';
import { openApiOfControllers, undocumentedOperations } from '@uhr/platform/testing';
import { NOTIFICATIONS_CONTROLLERS } from '../src/notifications.module.js';

it('documents every operation of its controllers: a summary, a described success answer and its 401', async () => {
  const doc = await openApiOfControllers(NOTIFICATIONS_CONTROLLERS, 'notifications');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/inbox', '/preferences', '/stream', '/webhooks', '/stats']),
  );
  expect(undocumentedOperations(doc, [])).toEqual([]);
});
