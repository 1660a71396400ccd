// Copies the FHIR R4 schema next to the compiled code (tsc copies only .ts output).
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? 'dist';
const schema = 'records/domain/fhir-r4/fhir-r4.schema.json';
cpSync(join(root, 'src', schema), join(root, out, schema));
