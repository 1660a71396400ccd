import { pino } from 'pino';
import { AuditorDirectory } from '../../src/delivery/auditor-directory.js';

const logger = pino({ level: 'silent' });

describe('auditor directory', () => {
  it('tells the configured auditors and every member of the role, once each', async () => {
    const dir = new AuditorDirectory(
      { configured: ['a', 'b'], lookup: async () => ['b', 'c'], refreshMs: 1000 },
      logger,
    );
    await dir.refresh();
    expect(dir.current()).toEqual(['a', 'b', 'c']);
  });

  it('keeps the last known members when Keycloak refuses, and the configured ones always', async () => {
    let answer: () => Promise<string[]> = async () => ['c'];
    const dir = new AuditorDirectory({ configured: ['a'], lookup: () => answer(), refreshMs: 1000 }, logger);
    await dir.refresh();
    answer = async () => {
      throw new Error('403');
    };
    await dir.refresh();
    expect(dir.current()).toEqual(['a', 'c']);
  });

  it('uses the configured list alone without a lookup', async () => {
    const dir = new AuditorDirectory({ configured: ['a'], refreshMs: 1000 }, logger);
    await dir.refresh();
    expect(dir.current()).toEqual(['a']);
  });
});
