import { existsSync } from 'node:fs';
import { join } from 'node:path';
// jest loads globalSetup without its moduleNameMapper, so relative imports name the .ts file
// (tsconfig rewriteRelativeImportExtensions turns them into .js in dist).
import { repoRoot } from './index.ts';

/**
 * jest globalSetup for the int and e2e tiers: use the stack scripts/stack.sh started (its .uhr/env), or the
 * endpoints already in the environment; failing both, start the servers with testcontainers when a Docker
 * engine answers. Never a mock.
 */
export default async function globalSetup(): Promise<void> {
  const root = repoRoot();
  if (process.env.UHR_PG_URL || existsSync(join(root, '.uhr', 'env'))) return;
  const { dockerAvailable, startContainers } = await import('./containers.ts');
  if (!(await dockerAvailable())) {
    throw new Error('No platform to test against: run `bash scripts/stack.sh up` (or start a Docker engine).');
  }
  const { env, stop } = await startContainers(root);
  Object.assign(process.env, env);
  (globalThis as { __uhrStopContainers?: () => Promise<void> }).__uhrStopContainers = stop;
}
