import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** A schema violation: the JSON pointer of the offending value, the schema keyword broken, and why. */
export interface SchemaProblem {
  field: string;
  rule: string;
  message: string;
}

// ajv-formats is CommonJS: under NodeNext its default import is the module object or the plugin itself.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

/**
 * GS1's EPCIS 2.0 JSON Schema (vendored unchanged in ./schema), compiled once. Reports at most `maxProblems`,
 * the most specific first (ajv's `if/then` wrappers add a generic "must match then schema" after the real one).
 */
export class EpcisSchemaValidator {
  private readonly validate: ValidateFunction;

  constructor(private readonly maxProblems = 10) {
    const schema = JSON.parse(readFileSync(new URL('./schema/EPCIS-JSON-Schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats(ajv);
    this.validate = ajv.compile(schema);
  }

  problems(doc: unknown): SchemaProblem[] {
    if (this.validate(doc)) return [];
    const errors = (this.validate.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'allOf');
    return errors.slice(0, this.maxProblems).map(toProblem);
  }
}

function toProblem(e: ErrorObject): SchemaProblem {
  const field = e.instancePath || '/';
  const detail = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
  return { field, rule: e.keyword, message: `${field} ${e.message ?? 'is invalid'}${detail}` };
}
