import { fuzzService, loadStackEnv, type FuzzTarget } from '@uhr/platform/testing';

// Every endpoint of the running services (scripts/stack.sh, endpoints in .uhr/env), read from each one's
// OpenAPI document, answers bad input below 500 and stays healthy. UHR_FUZZ_SERVICES narrows the list
// (e.g. "registrar,notifications"); UHR_FUZZ_SEED replays a run.
const env = loadStackEnv();
const SERVICES = (env.UHR_FUZZ_SERVICES ?? 'registrar,consent,records,notifications').split(',').map((s) => s.trim());
const targets: FuzzTarget[] = SERVICES.filter(Boolean).map((service) => {
  const url = env[`UHR_${service.toUpperCase().replace(/-/g, '_')}_URL`];
  if (!url) throw new Error(`UHR_${service.toUpperCase()}_URL is not set: is the ${service} service running?`);
  return { service, url };
});
const seed = env.UHR_FUZZ_SEED ? Number(env.UHR_FUZZ_SEED) : undefined;

describe('edge fuzz: every endpoint of the running services', () => {
  it.each(targets.map((t) => [t.service, t] as const))('%s answers bad input below 500', async (_name, target) => {
    const report = await fuzzService(target, { numRuns: 40, seed });
    expect(report.operations).toBeGreaterThan(3); // health endpoints and at least one of its own
    expect(report.sent).toBeGreaterThan(50);
    expect({ seed: report.seed, findings: report.findings }).toEqual({ seed: report.seed, findings: [] });
  });
});
