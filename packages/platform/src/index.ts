// First: every ethers hash in the process uses the WebAssembly Keccak from here on.
export { keccak256Bytes } from './crypto/keccak.js';
export * from './config/config.js';
export * from './events/envelope.js';
export { eventContextOf } from './events/context.js';
export * from './persistence/database.js';
export * from './persistence/event-store.js';
export * from './persistence/waker.js';
export * from './persistence/leadership.js';
export * from './workers/periodic.js';
export * from './persistence/returning.js';
export * from './messaging/kafka.js';
export * from './messaging/outbox-relay.js';
export * from './messaging/idempotent-consumer.js';
export * from './chain/chain-writer.js';
export * from './chain/deployments.js';
export * from './auth/auth.js';
export * from './logging/logger.js';
export * from './http/errors.js';
export * from './platform.module.js';
export * from './bootstrap.js';
export * from './blob/index.js';
export * from './identity/identity-directory.js';
export * from './identity/signatures.js';
export * from './identity/typed-data-signer.js';
export * from './http/server-timing.js';
export { IsEthAddress, isEthAddress } from './http/eth-address.js';
export { EdgeInputError, type EdgeOptions } from './http/edge-input.js';
export { DEFAULT_INPUT_LIMITS, textProblem, type InputLimits, type InputProblem } from './http/input-scan.js';
export {
  classifyDependencyError,
  DEPENDENCY_RETRY_AFTER_SECONDS,
  type DependencyFailure,
} from './http/dependency-errors.js';
export {
  anchorStreamId,
  StreamAnchorer,
  type StreamAnchorerOptions,
  type StreamAnchorProof,
  type StreamAnchorStatus,
} from './anchoring/stream-anchorer.js';
export { streamAnchorerMigrations } from './anchoring/stream-anchorer.migrations.js';
export { ApiErrors, ErrorBody } from './http/api-errors.js';
export {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_TTL_HOURS,
  IDEMPOTENT_REPLAYED_HEADER,
} from './http/idempotency/idempotency-key.js';
export { IdempotencyStore } from './http/idempotency/idempotency-store.js';
export { NoIdempotencyKey } from './http/idempotency/idempotency.interceptor.js';
