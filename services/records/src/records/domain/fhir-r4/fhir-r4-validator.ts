import { readFileSync } from 'node:fs';

/**
 * FHIR R4 validation of an uploaded resource (ADR 0018) against `fhir-r4.schema.json`: HL7's R4 JSON schema with
 * each element's minimum cardinality from the official StructureDefinitions (scripts/fhir-r4-schema.mjs). It
 * checks structure (no unknown elements, `resourceType` known), cardinality (required elements present, arrays
 * where the element repeats and single values where it does not, none empty), types (JSON type, primitive
 * formats, the codes of required bindings) — the checks of a FHIR server's validator short of terminology
 * look-ups and FHIRPath invariants. Interpreted, not compiled: loading costs one JSON parse, a resource a few
 * tens of microseconds.
 */

export interface FhirIssue {
  /** The element as FHIR names it: `Observation.status`, `Observation.code.coding[0].system`. */
  path: string;
  /** required | unknown-element | cardinality | type | format | code | resource-type | depth | too-many-issues */
  rule: string;
  message: string;
}

/** The subset of JSON schema the R4 schema uses. */
interface Spec {
  $ref?: string;
  type?: 'string' | 'number' | 'boolean' | 'array' | 'object';
  items?: Spec;
  enum?: string[];
  const?: string;
  pattern?: string;
  properties?: Record<string, Spec>;
  required?: string[];
  oneOf?: Spec[];
}

export interface FhirR4Schema {
  fhirVersion: string;
  resources: string[];
  definitions: Record<string, Spec>;
}

const MAX_DEPTH = 48;
const MAX_ISSUES = 20;
const INTEGERS = new Set(['integer', 'positiveInt', 'unsignedInt']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A client's value or key as an answer quotes it: at most 64 characters. */
const shown = (v: string) => (v.length > 64 ? `${v.slice(0, 64)}…` : v);
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

export class FhirR4Validator {
  private readonly patterns = new Map<string, RegExp>();
  private readonly resourceTypes: ReadonlySet<string>;

  constructor(private readonly schema: FhirR4Schema) {
    this.resourceTypes = new Set(schema.resources);
  }

  /** Every problem of `resource` as an R4 resource (up to 20); empty when it is valid. */
  validate(resource: unknown): FhirIssue[] {
    const issues: FhirIssue[] = [];
    if (!isObject(resource)) {
      return [
        { path: 'Resource', rule: 'type', message: `a FHIR resource is a JSON object, not ${describe(resource)}` },
      ];
    }
    this.resource(resource, '', issues, 0);
    return issues;
  }

  private resource(value: Record<string, unknown>, at: string, issues: FhirIssue[], depth: number): void {
    const type = value.resourceType;
    if (typeof type !== 'string' || !this.resourceTypes.has(type)) {
      const path = at ? `${at}.resourceType` : 'resourceType';
      const quoted = typeof type === 'string' ? JSON.stringify(shown(type)) : describe(type);
      return add(issues, path, 'resource-type', `${quoted} is not an R4 resource type`);
    }
    this.object(type, value, at || type, issues, depth);
  }

  private object(name: string, value: Record<string, unknown>, at: string, issues: FhirIssue[], depth: number): void {
    if (depth > MAX_DEPTH) return add(issues, at, 'depth', `nested deeper than ${MAX_DEPTH} levels`);
    const def = this.schema.definitions[name]!;
    const properties = def.properties ?? {};
    const keys = Object.keys(value);
    if (keys.length === 0) add(issues, at, 'cardinality', 'an element is never empty: leave it out instead');
    for (const key of keys) {
      const spec = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (!spec) add(issues, `${at}.${shown(key)}`, 'unknown-element', `${name} has no element "${shown(key)}"`);
      else this.element(spec, value[key], `${at}.${key}`, issues, depth + 1);
    }
    for (const required of def.required ?? []) {
      if (!present(value, required)) {
        add(issues, `${at}.${required}`, 'required', `${name}.${required} is required (minimum cardinality 1)`);
      }
    }
  }

  private element(spec: Spec, value: unknown, at: string, issues: FhirIssue[], depth: number): void {
    if (issues.length >= MAX_ISSUES) return;
    if (spec.type === 'array') {
      if (!Array.isArray(value)) return add(issues, at, 'cardinality', 'this element repeats: send an array');
      if (value.length === 0) return add(issues, at, 'cardinality', 'an array is never empty: leave it out instead');
      value.forEach((v, i) => this.element(spec.items!, v, `${at}[${i}]`, issues, depth + 1));
      return;
    }
    if (Array.isArray(value)) return add(issues, at, 'cardinality', 'this element does not repeat: send one value');
    if (spec.$ref) return this.reference(spec.$ref.slice('#/definitions/'.length), value, at, issues, depth);
    this.primitive(spec, value, at, issues);
  }

  private reference(name: string, value: unknown, at: string, issues: FhirIssue[], depth: number): void {
    const def = this.schema.definitions[name]!;
    if (def.oneOf) {
      if (!isObject(value)) return add(issues, at, 'type', `a resource is a JSON object, not ${describe(value)}`);
      return this.resource(value, at, issues, depth);
    }
    if (def.properties) {
      if (!isObject(value)) return add(issues, at, 'type', `${name} is a JSON object, not ${describe(value)}`);
      return this.object(name, value, at, issues, depth);
    }
    this.primitive(def, value, at, issues, name);
  }

  private primitive(spec: Spec, value: unknown, at: string, issues: FhirIssue[], name = 'code'): void {
    if (spec.enum || spec.const !== undefined) {
      const codes = spec.enum ?? [spec.const!];
      if (typeof value !== 'string' || !codes.includes(value)) {
        const quoted = typeof value === 'string' ? JSON.stringify(shown(value)) : describe(value);
        add(issues, at, 'code', `${quoted} is not one of ${codes.join(', ')}`);
      }
      return;
    }
    const type = spec.type ?? 'string';
    if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) {
      return add(issues, at, 'type', `${name} is a JSON ${type}, not ${describe(value)}`);
    }
    const text = type === 'string' ? (value as string) : INTEGERS.has(name) ? String(value) : undefined;
    if (text !== undefined && spec.pattern && !this.pattern(spec.pattern).test(text)) {
      add(issues, at, 'format', `not a valid ${name}`);
    }
  }

  private pattern(source: string): RegExp {
    let re = this.patterns.get(source);
    if (!re) this.patterns.set(source, (re = new RegExp(source)));
    return re;
  }
}

/** A required element is there as a value, as its `_element` (extensions only), or as one of its choices. */
function present(value: Record<string, unknown>, element: string): boolean {
  if (!element.endsWith('[x]')) return Object.hasOwn(value, element) || Object.hasOwn(value, `_${element}`);
  const stem = element.slice(0, -3);
  return Object.keys(value).some((k) => {
    const name = k.startsWith('_') ? k.slice(1) : k;
    return name.startsWith(stem) && /^[A-Z]/.test(name.slice(stem.length));
  });
}

function add(issues: FhirIssue[], path: string, rule: string, message: string): void {
  if (issues.length < MAX_ISSUES) issues.push({ path, rule, message });
  else if (issues.length === MAX_ISSUES)
    issues.push({ path, rule: 'too-many-issues', message: 'further issues left out' });
}

let shared: FhirR4Validator | undefined;

/** The one validator of this process, its schema read on first use and kept. */
export function fhirR4Validator(): FhirR4Validator {
  shared ??= new FhirR4Validator(
    JSON.parse(readFileSync(new URL('./fhir-r4.schema.json', import.meta.url), 'utf8')) as FhirR4Schema,
  );
  return shared;
}
