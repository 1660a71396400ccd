// The FHIR R4 validator's cost (ADR 0018): schema load once, then µs per resource over the fixed fixtures.
// `npm run bench:fhir -w @uhr/records` (BENCH_ROUNDS, default 5000).
import { performance } from 'node:perf_hooks';
import { fhirProblems } from '../src/records/domain/fhir.js';
import { fhirR4Validator } from '../src/records/domain/fhir-r4/fhir-r4-validator.js';
import { PATIENT, VALID } from '../test/fhir-fixtures.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5000);
const t0 = performance.now();
fhirR4Validator();
const loadMs = performance.now() - t0;
const perResource: Record<string, number> = {};
for (const [name, resource] of Object.entries(VALID)) {
  for (let i = 0; i < 200; i++) fhirProblems(resource, PATIENT);
  const t = performance.now();
  for (let i = 0; i < rounds; i++) fhirProblems(resource, PATIENT);
  perResource[name] = Math.round(((performance.now() - t) / rounds) * 1000 * 10) / 10;
}
const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
console.log(JSON.stringify({ schemaLoadMs: Math.round(loadMs), microsecondsPerResource: perResource, heapMb, rounds }));
