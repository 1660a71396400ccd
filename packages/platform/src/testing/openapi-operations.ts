import { randomUUID } from 'node:crypto';

/** The slice of an OpenAPI 3 document the edge fuzzer reads. */
export interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, OpenApiSchema>;
  items?: OpenApiSchema;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
}
interface OpenApiParameter {
  name: string;
  in: string;
  schema?: OpenApiSchema;
}
export interface OpenApiOperation {
  summary?: string;
  description?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
  /** Keyed by status, e.g. `'202'`, `'409'`. */
  responses?: Record<string, { description?: string }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/** One endpoint, with a plausible body to mutate (undefined when it takes none). */
export interface Operation {
  method: string;
  /** The templated path, e.g. `/identities/{id}`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  body: unknown;
  hasBody: boolean;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

function resolve(doc: OpenApiDocument, s: OpenApiSchema): OpenApiSchema {
  const name = s.$ref?.split('/').pop();
  const target = name ? doc.components?.schemas?.[name] : undefined;
  const merged = target ?? s;
  const first = merged.allOf?.[0] ?? merged.oneOf?.[0] ?? merged.anyOf?.[0];
  return first && !merged.properties ? resolve(doc, first) : merged;
}

function sampleString(format: string | undefined): string {
  if (format === 'uuid') return randomUUID();
  if (format === 'date-time') return new Date().toISOString();
  if (format === 'uri') return 'https://example.org/x';
  return 'sample text';
}

/** A value of the schema's shape: example, first enum member, or a typed placeholder; depth-bounded. */
export function sampleOf(doc: OpenApiDocument, schema: OpenApiSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  const s = resolve(doc, schema);
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  if (s.type === 'array') return [sampleOf(doc, s.items, depth + 1)];
  if (s.type === 'object' || s.properties) {
    const entries = Object.entries(s.properties ?? {}).map(([k, v]) => [k, sampleOf(doc, v, depth + 1)] as const);
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  if (s.type === 'integer' || s.type === 'number') return 1;
  if (s.type === 'boolean') return true;
  return sampleString(s.format);
}

function operationOf(doc: OpenApiDocument, method: string, path: string, op: OpenApiOperation): Operation {
  const params = op.parameters ?? [];
  const schema = op.requestBody?.content?.['application/json']?.schema;
  return {
    method: method.toUpperCase(),
    path,
    pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
    queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
    body: schema ? sampleOf(doc, schema) : undefined,
    hasBody: schema !== undefined,
  };
}

/** Every operation of the document, health endpoints included. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => operationOf(doc, method, path, op)),
  );
}

/** The platform's unauthenticated operations (@Public): liveness and readiness, in every service. */
export const PUBLIC_HEALTH_OPERATIONS = ['GET /health/live', 'GET /health/ready'];

/**
 * What an operation's documentation lacks, one line each (`PATCH /identities/{id}: no 401`), empty when every
 * operation has a summary, at least one success answer (2xx) described, and — unless `publicOperations` names it
 * (`'GET /health/live'`) — the 401 a caller without a valid token gets. Nest's default success answer (the one
 * it invents when an operation declares no @ApiResponse) has an empty description, so it does not count.
 */
export function undocumentedOperations(
  doc: OpenApiDocument,
  publicOperations: string[] = PUBLIC_HEALTH_OPERATIONS,
): string[] {
  const gaps: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!METHODS.has(method)) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const responses = op.responses ?? {};
      if (!op.summary?.trim()) gaps.push(`${name}: no summary`);
      const described = Object.entries(responses).filter(
        ([status, r]) => /^2\d\d$/.test(status) && r.description?.trim(),
      );
      if (described.length === 0) gaps.push(`${name}: no success answer described`);
      if (!publicOperations.includes(name) && !responses['401']) gaps.push(`${name}: no 401`);
    }
  }
  return gaps;
}

/** Paths to every string in a sample, e.g. `[['identifier', 'value'], ['address']]`. */
export function stringSlots(value: unknown, at: string[] = []): string[][] {
  if (typeof value === 'string') return [at];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => stringSlots(v, [...at, k]));
}

/** A copy of `value` with the slot at `path` replaced (structured clone: samples are plain JSON). */
export function replaceAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}
