import { randomUUID } from 'node:crypto';

/** The one envelope every UHR event travels in (ARCHITECTURE.md, "Events"). */
export interface EventEnvelope<T extends string = string, P = unknown> {
  readonly id: string;
  readonly type: T;
  readonly version: number;
  readonly aggregateId: string;
  readonly sequence: number;
  readonly occurredAt: string;
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly payload: P;
}

/** A domain event before it is stored: the store assigns sequence and the envelope fields. */
export interface DomainEvent<T extends string = string, P = unknown> {
  readonly type: T;
  readonly version: number;
  readonly payload: P;
}

export interface EventContext {
  actor: string;
  correlationId: string;
  causationId?: string;
  occurredAt: Date;
}

export function envelopeOf<E extends DomainEvent>(
  event: E,
  aggregateId: string,
  sequence: number,
  ctx: EventContext,
  id: string = randomUUID(),
): EventEnvelope<E['type'], E['payload']> {
  return {
    id,
    type: event.type,
    version: event.version,
    aggregateId,
    sequence,
    occurredAt: ctx.occurredAt.toISOString(),
    actor: ctx.actor,
    correlationId: ctx.correlationId,
    causationId: ctx.causationId ?? ctx.correlationId,
    payload: event.payload,
  };
}

/** Topic per event family: `uhr.<service>.<aggregate>.v<major>`. */
export function topicOf(service: string, aggregate: string, major = 1): string {
  return `uhr.${service}.${aggregate}.v${major}`;
}

const fields: Array<[keyof EventEnvelope, string]> = [
  ['id', 'string'],
  ['type', 'string'],
  ['version', 'number'],
  ['aggregateId', 'string'],
  ['sequence', 'number'],
  ['occurredAt', 'string'],
  ['actor', 'string'],
  ['correlationId', 'string'],
  ['causationId', 'string'],
];

export class InvalidEnvelopeError extends Error {}

/** Parses bytes from the wire; a malformed message is rejected with the field at fault. */
export function parseEnvelope(raw: Buffer | string | null): EventEnvelope {
  if (raw === null) throw new InvalidEnvelopeError('empty message');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString());
  } catch {
    throw new InvalidEnvelopeError('message is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new InvalidEnvelopeError('message is not an object');
  const obj = value as Record<string, unknown>;
  for (const [key, type] of fields) {
    if (typeof obj[key] !== type) throw new InvalidEnvelopeError(`envelope.${key} must be a ${type}`);
  }
  if (!('payload' in obj)) throw new InvalidEnvelopeError('envelope.payload is missing');
  return obj as unknown as EventEnvelope;
}
