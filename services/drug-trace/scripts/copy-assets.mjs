// Copies the vendored GS1 EPCIS schema next to the compiled code (tsc copies only .ts output).
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? 'dist';
cpSync(join(root, 'src/epcis/schema'), join(root, out, 'epcis/schema'), { recursive: true });
