import type { OpenAPIObject } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_TTL_HOURS, IDEMPOTENT_REPLAYED_HEADER } from './idempotency-key.js';
import { NO_IDEMPOTENCY_EXTENSION } from './idempotency.interceptor.js';

type Operation = {
  parameters?: Array<Record<string, unknown>>;
  responses?: Record<string, Record<string, unknown>>;
  [extension: string]: unknown;
};

const COMMANDS = ['post', 'put', 'patch', 'delete'];
const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } };

const HEADER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 255, example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"' },
  description:
    `A key you choose per command (a UUID), so a retry after a lost answer is safe: the same key with the same ` +
    `payload returns the first answer again (status and body, header \`${IDEMPOTENT_REPLAYED_HEADER}: true\`) and ` +
    `stores nothing twice; a different payload is 422 IdempotencyKeyReused; while the first attempt runs, 409 ` +
    `IdempotencyKeyInFlight with Retry-After. Keys are per caller and endpoint and expire after ` +
    `${IDEMPOTENCY_KEY_TTL_HOURS} h. A 5xx is never stored: retry it with the same key.`,
};

/** Adds the Idempotency-Key header, and the 409/422 it can answer, to every command operation not opted out. */
export function documentIdempotency(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of COMMANDS) {
      const op = (path as Record<string, Operation | undefined>)[method];
      if (!op || op[NO_IDEMPOTENCY_EXTENSION] !== undefined) continue;
      op.parameters = [...(op.parameters ?? []), HEADER];
      op.responses ??= {};
      op.responses['409'] ??= { description: 'a conflict, or IdempotencyKeyInFlight', content: ERROR_BODY };
      op.responses['422'] ??= { description: 'unusable input, or IdempotencyKeyReused', content: ERROR_BODY };
    }
  }
  return document;
}
