/**
 * Errors that are not bugs but a dependency's state (PostgreSQL, Kafka, S3, the chain node is down or refusing)
 * or input the database refused (text it cannot store). The HTTP filter answers the first 503 with Retry-After,
 * the second 400, instead of a 500 that sends an operator looking for a bug.
 */

export type DependencyFailure =
  { status: 503; dependency: string; reason: string } | { status: 400; reason: string; code: string };

/** Seconds a client waits before retrying a 503 from a dependency outage. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** admin_shutdown, crash_shutdown, cannot_connect_now, connection_exception/does_not_exist/failure, too_many_connections. */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300']);
/** Data exceptions caused by the values sent: untranslatable character, bad byte sequence, bad text for a type, too long, out of range. */
const PG_BAD_INPUT = new Set(['22P05', '22021', '22P02', '22001', '22003']);
const PG_CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
];
const KAFKA_UNAVAILABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSNoBrokerAvailableError',
]);
const ETHERS_UNAVAILABLE = new Set(['NETWORK_ERROR', 'SERVER_ERROR', 'TIMEOUT']);
const S3_UNAVAILABLE = new Set(['SlowDown', 'ServiceUnavailable', 'RequestTimeout', 'InternalError']);

type Fields = { name?: unknown; code?: unknown; message?: unknown; shortMessage?: unknown };

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function classifyOne(e: Fields): DependencyFailure | undefined {
  const name = str(e.name);
  const code = str(e.code);
  const message = str(e.message);
  if (PG_BAD_INPUT.has(code)) return { status: 400, code, reason: 'the database cannot store a value sent' };
  if (PG_UNAVAILABLE.has(code)) return { status: 503, dependency: 'postgres', reason: code };
  if (KAFKA_UNAVAILABLE.has(name)) return { status: 503, dependency: 'kafka', reason: name };
  if (name === 'S3Error' && S3_UNAVAILABLE.has(code)) return { status: 503, dependency: 's3', reason: code };
  if (name === 'BlobStoreUnavailableError') return { status: 503, dependency: 's3', reason: code || message };
  if (ETHERS_UNAVAILABLE.has(code) && 'shortMessage' in e) return { status: 503, dependency: 'chain', reason: code };
  if (NETWORK_CODES.has(code)) return { status: 503, dependency: 'network', reason: code };
  if (PG_CONNECTION_MESSAGES.some((re) => re.test(message)))
    return { status: 503, dependency: 'postgres', reason: message };
  return undefined;
}

/** Where libraries keep the error they wrap: TypeORM, kafkajs, ethers, AggregateError, `cause`. */
function wrapped(e: Record<string, unknown>): unknown[] {
  const inner = [e.cause, e.driverError, e.originalError, e.error, (e.info as { error?: unknown } | undefined)?.error];
  return Array.isArray(e.errors) ? [...inner, ...(e.errors as unknown[])] : inner;
}

/**
 * The dependency failure behind `err`, looking through the errors it wraps (breadth first, at most 32 of them,
 * so a cyclic `cause` chain ends); undefined for anything else (a bug: 500).
 */
export function classifyDependencyError(err: unknown): DependencyFailure | undefined {
  const queue: unknown[] = [err];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 32) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const found = classifyOne(e as Fields);
    if (found) return found;
    queue.push(...wrapped(e as Record<string, unknown>));
  }
  return undefined;
}
