// First: every ethers hash in the process uses the WebAssembly Keccak from here on.
export { keccak256Bytes } from './crypto/keccak.js';
export {
  ConfigError,
  isLocalStack,
  loadConfig,
  localDefaults,
  platformConfigSchema,
  platformEnv,
  type ConfigOptions,
  type PlatformConfig,
} from './config/config.js';
export {
  InvalidEnvelopeError,
  envelopeOf,
  parseEnvelope,
  topicOf,
  type DomainEvent,
  type EventContext,
  type EventEnvelope,
} from './events/envelope.js';
export { eventContextOf } from './events/context.js';
// GS1 mod-10 check digits: drug-trace's scan intake and master data, billing's pack barcodes.
export {
  gs1CheckDigit,
  hasValidCheckDigit,
  isDigits,
  isValidGln,
  isValidGtin,
  isValidSscc,
  normaliseGtin,
} from './gs1/check-digit.js';
export {
  databaseUrl,
  ensureDatabase,
  migrate,
  openDataSource,
  platformMigrations,
  type Migration,
} from './persistence/database.js';
export {
  ConcurrencyError,
  EventStore,
  OUTBOX_CHANNEL,
  appendSql,
  envelopesOf,
  withConcurrencyErrors,
  type AggregateFold,
  type AppendStream,
} from './persistence/event-store.js';
export { Waker, backoffMs } from './persistence/waker.js';
export { Leadership } from './persistence/leadership.js';
export { startPeriodic, type Periodic } from './workers/periodic.js';
export { returnedRows } from './persistence/returning.js';
export { createKafka, createProducer, ensureTopics } from './messaging/kafka.js';
export { OutboxRelay } from './messaging/outbox-relay.js';
export { IdempotentConsumer, type ConsumerOptions, type EnvelopeHandler } from './messaging/idempotent-consumer.js';
export { BackgroundConsumer } from './messaging/background-consumer.js';
export {
  CHAIN_CHANNEL,
  ChainWriter,
  enqueueChainJob,
  type ChainJob,
  type ChainJobHandler,
  type ChainWriterOptions,
} from './chain/chain-writer.js';
export { DeploymentError, contractAddress, readDeployment, type Deployment } from './chain/deployments.js';
export {
  AuthGuard,
  CurrentPrincipal,
  JwtVerifier,
  Public,
  ROLE_LABELS,
  ROLES,
  uhrRolesOf,
  Roles,
  type Principal,
  type Role,
} from './auth/auth.js';
export {
  PinoNestLogger,
  correlationIdOf,
  createLogger,
  currentCorrelationId,
  withCorrelationId,
} from './logging/logger.js';
export {
  ConflictError,
  DependencyUnavailableError,
  DomainError,
  ForbiddenError,
  HttpErrorFilter,
  InvalidRequestError,
  NotFoundError,
  UnprocessableError,
  errorAnswerOf,
  validationPipe,
  type ErrorAnswer,
} from './http/errors.js';
export {
  DEPLOYMENT,
  KAFKA,
  LOGGER,
  PLATFORM_CONFIG,
  PlatformModule,
  type ServiceDefinition,
} from './platform.module.js';
export { createServiceApp, runService, type ServiceAppOptions } from './bootstrap.js';
export {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobStoreUnavailableError,
  BlobTamperedError,
  KeyRingError,
  type BlobStoreUnavailableReason,
  type KeyRingErrorCode,
} from './blob/errors.js';
export { KEY_BYTES, KeyRing, WRAPPED_KEY_BYTES, type WrappedDataKey } from './blob/key-ring.js';
export {
  open,
  parseEnvelopeHeader,
  rewrapHeader,
  seal,
  type EnvelopeHeader,
  type SealedEnvelope,
} from './blob/envelope-cipher.js';
export { decodeBlobFrame, encodeBlobFrame, type BlobFrame, type StoredBlobHeader } from './blob/blob-frame.js';
export { blobAad, packedRef, parseBlobRef, type BlobLocation } from './blob/blob-ref.js';
export {
  EncryptedBlobStore,
  type BlobReadResult,
  type BlobRewrapResult,
  type BlobWriteResult,
  type EncryptedBlobStoreOptions,
} from './blob/encrypted-blob-store.js';
export { openText, sealText } from './blob/sealed-text.js';
export { BucketBootstrap, bucketBootstrap } from './blob/bucket-bootstrap.js';
export {
  IdentityDirectory,
  REGISTRAR_IDENTITY_TOPIC,
  chainIdOf,
  identityDirectoryMigrations,
  type KnownIdentity,
} from './identity/identity-directory.js';
export { assertSignedBy, type SignedTypedData } from './identity/signatures.js';
export { TypedDataSigner, recoverDigestSigner, recoverTypedDataSigner } from './identity/typed-data-signer.js';
export { ServerTiming, parseServerTiming } from './http/server-timing.js';
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
