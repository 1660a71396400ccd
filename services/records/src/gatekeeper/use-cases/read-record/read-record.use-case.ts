import { Inject, Injectable } from '@nestjs/common';
import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobStoreUnavailableError,
  BlobTamperedError,
  ConflictError,
  DomainError,
  EncryptedBlobStore,
  LOGGER,
  PLATFORM_CONFIG,
  type EventContext,
  type Principal,
  chainIdOf,
  IdentityDirectory,
  type KnownIdentity,
} from '@uhr/platform';
import { verifyTypedData } from 'ethers';
import type { Logger } from 'pino';
import type { RecordsConfig } from '../../../config.js';
import { Contracts } from '../../../chain/contracts.js';
import { documentReferenceOf } from '../../../records/domain/fhir.js';
import { categoryCode, pointerHashOf, purposeCode } from '../../../records/domain/on-chain.js';
import { RecordRepository, type RecordRow } from '../../../records/record.repository.js';
import { AuditRepository, type AuditInput } from '../../audit/audit.repository.js';
import { GrantUseAdapter } from '../../chain/grant-use.adapter.js';
import { PermissionCache } from '../../permission-cache.js';
import { BlobReader } from '../../blob-reader.js';
import { checkRequest, decidePermission, type AccessDecision, type Denial } from '../../domain/access-decision.js';
import {
  gatekeeperDomain,
  READ_REQUEST_TYPES,
  ZERO_BYTES32,
  type ReadRequestMessage,
} from '../../domain/read-request.js';

export interface ReadRecord {
  request: ReadRequestMessage;
  signature: string;
}

/** A denial the HTTP layer answers 403 (404 for a record that does not exist). */
export class AccessDeniedError extends DomainError {
  readonly status: 403 | 404 | 503;
  constructor(denial: Denial, message: string, auditId: string) {
    super(denial, message, { auditId });
    this.status =
      denial === 'RecordNotFound'
        ? 404
        : denial === 'ChainUnavailable' || denial === 'BlobStoreUnavailable'
          ? 503
          : 403;
  }
}

const NOT_FOUND_STATUS = 0;

/**
 * The Database Gatekeeper: a Keycloak token AND a request signed by the reader's registered key; the permission
 * is what the chain holds now; the blob is served only if its bytes hash to the anchored value. Every decision
 * is audited, allowed or not.
 */
@Injectable()
export class ReadRecordUseCase {
  constructor(
    private readonly records: RecordRepository,
    private readonly directory: IdentityDirectory,
    private readonly contracts: Contracts,
    private readonly blobs: EncryptedBlobStore,
    private readonly audit: AuditRepository,
    private readonly grantUse: GrantUseAdapter,
    private readonly cache: PermissionCache,
    private readonly reader: BlobReader,
    @Inject(PLATFORM_CONFIG) private readonly config: RecordsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(recordId: string, cmd: ReadRecord, p: Principal, ctx: EventContext) {
    const base: AuditInput = {
      recordId,
      patientId: null,
      patientSubject: null,
      readerSubject: p.subject,
      readerUsername: p.username,
      readerAddress: null,
      purpose: cmd.request.purpose,
      grantId: null,
      basis: null,
      outcome: 'denied',
      reason: null,
    };
    // Independent look-ups run together: the row, and the signer (recovery is CPU, the directory a query).
    const recordChainId = chainIdOf(recordId);
    const [row, signed] = await Promise.all([
      this.records.row(recordId),
      (async () => {
        let address: string | undefined;
        try {
          address = verifyTypedData(
            gatekeeperDomain(this.contracts.relationshipsDomain),
            { ReadRecord: [...READ_REQUEST_TYPES.ReadRecord] },
            cmd.request,
            cmd.signature,
          );
        } catch {
          address = undefined;
        }
        return { address, identity: address ? await this.directory.byAddress(address) : undefined };
      })(),
    ]);
    if (row) Object.assign(base, { patientId: row.patient_id, patientSubject: row.patient_subject });

    const refuse = async (denial: Denial, message: string, extra: Partial<AuditInput> = {}): Promise<never> => {
      const auditId = await this.audit.record({ ...base, ...extra, outcome: 'denied', reason: denial }, ctx);
      throw new AccessDeniedError(denial, message, auditId);
    };

    // 1. The request itself: role, binding to this record, expiry, signature ↔ login.
    const signerAddress = signed.address;
    const signer: KnownIdentity | undefined = signed.identity;
    base.readerAddress = signerAddress ?? null;
    const now = Math.floor(ctx.occurredAt.getTime() / 1000);
    const pre = checkRequest({
      now,
      maxTtlSeconds: this.config.readRequestMaxTtlSeconds,
      roles: p.roles,
      tokenSubject: p.subject,
      urlRecordChainId: recordChainId,
      request: cmd.request,
      signer,
      signatureRecovered: signerAddress !== undefined,
    });
    if (pre && !pre.allowed) return refuse(pre.denial, pre.message);
    // The ciphertext is fetched while the nonce and the chain are asked; it is decrypted only once allowed.
    const ciphertext = row ? settle(this.blobs.getRaw(row.blob_key)) : undefined;
    const chainRecord = settle(this.cache.record(recordChainId));
    // A replayed request is refused even if everything else about it is fine.
    if (
      !(await this.audit.claimNonce(signerAddress!, cmd.request.nonce, new Date((cmd.request.expiry + 3600) * 1000)))
    ) {
      return refuse('NonceReplayed', 'this signed request was already used');
    }
    if (!row) return refuse('RecordNotFound', `no record ${recordId}`);

    // 2. What the chain says about the record (fail closed when it cannot be asked).
    let decision: AccessDecision;
    let onChain;
    try {
      onChain = unwrap(await chainRecord);
      if (onChain.status === NOT_FOUND_STATUS) return refuse('RecordNotFound', `record ${recordId} is not anchored`);
      // The database row must be the one anchored: its pointer (blob key, category, type) and content hash.
      const rowPointer = pointerHashOf({
        blobKey: row.blob_key,
        category: row.category,
        contentType: row.content_type,
        kind: row.kind,
        resourceType: row.resource_type,
      });
      if (
        rowPointer !== onChain.pointerHash ||
        row.content_hash.toLowerCase() !== onChain.contentHash.toLowerCase() ||
        chainIdOf(row.patient_id) !== onChain.patientId.toLowerCase()
      ) {
        return this.integrityViolation(
          base,
          ctx,
          row,
          onChain.pointerHash,
          rowPointer,
          'the database row does not match its anchor',
        );
      }
      decision = decidePermission({
        readerIdentityChainId: signer!.chainId,
        namedGrant: cmd.request.grantId.toLowerCase() !== ZERO_BYTES32,
        record: onChain,
        relationshipActive: await this.cache.relationshipActive(onChain.patientId, onChain.providerId, signer!.chainId),
        grant: await this.cache.grantFor(
          cmd.request.grantId,
          signerAddress!,
          recordChainId,
          categoryCode(row.category),
          purposeCode(cmd.request.purpose),
          signer!.chainId,
          onChain,
        ),
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.logger.warn({ err: (err as Error).message }, 'gatekeeper: chain unavailable, failing closed');
      return refuse('ChainUnavailable', 'permissions cannot be checked against the chain right now');
    }
    if (!decision.allowed)
      return refuse(decision.denial, decision.message, { grantId: grantOrNull(cmd.request.grantId) });
    base.grantId = decision.grantId;
    base.basis = decision.basis;

    // 3. The blob: hash checked against the anchor before decryption; a mismatch is tampering, never served.
    //    Done before a limited grant is spent, so a storage outage or a tampered blob does not use it up.
    let plaintext: Buffer;
    try {
      plaintext = this.reader.open(row.blob_key, unwrap(await ciphertext!), onChain.contentHash);
    } catch (err) {
      if (err instanceof BlobTamperedError) {
        return this.integrityViolation(
          base,
          ctx,
          row,
          '0x' + err.expectedSha256,
          '0x' + err.actualSha256,
          'the stored blob does not match its anchor',
        );
      }
      if (err instanceof BlobStoreUnavailableError) {
        return refuse('BlobStoreUnavailable', 'record storage is unavailable, retry later');
      }
      if (err instanceof BlobIntegrityError || err instanceof BlobNotFoundError) {
        return this.integrityViolation(
          base,
          ctx,
          row,
          onChain.contentHash,
          'unreadable',
          `the stored blob cannot be authenticated: ${err.name}`,
        );
      }
      throw err;
    }
    // 4. A limited grant is spent on-chain before anything is served (the plaintext is dropped if it is refused).
    if (decision.consume) {
      const used = await this.grantUse.consume({
        grantId: decision.grantId!,
        reader: signerAddress!,
        recordId: recordChainId,
        category: categoryCode(row.category),
      });
      if (!used.ok) {
        return refuse(
          used.reason === 'ChainUnavailable' ? 'ChainUnavailable' : 'GrantExhausted',
          `grant use refused: ${used.reason}`,
        );
      }
    }

    const auditId = await this.audit.record({ ...base, outcome: 'allowed', reason: null }, ctx);
    return {
      recordId,
      auditId,
      basis: decision.basis,
      grantId: decision.grantId,
      category: row.category,
      title: row.title,
      contentHash: onChain.contentHash,
      ...(row.kind === 'fhir'
        ? { resource: JSON.parse(plaintext.toString('utf8')) as unknown }
        : {
            documentReference: this.documentReference(row, onChain.contentHash),
            contentType: row.content_type,
            data: plaintext.toString('base64'),
          }),
    };
  }

  private async integrityViolation(
    base: AuditInput,
    ctx: EventContext,
    row: RecordRow,
    expectedHash: string,
    actualHash: string,
    message: string,
  ): Promise<never> {
    this.logger.error({ recordId: row.id, expectedHash, actualHash }, 'integrity violation: record not served');
    const auditId = await this.audit.record(
      {
        ...base,
        outcome: 'integrity-violation',
        reason: 'IntegrityViolation',
        integrity: { expectedHash, actualHash },
      },
      ctx,
    );
    throw new ConflictError('IntegrityViolation', message, { auditId, expectedHash, actualHash });
  }

  private documentReference(row: RecordRow, contentHash: string) {
    return documentReferenceOf({
      recordId: row.id,
      patientId: row.patient_id,
      providerId: row.provider_id,
      title: row.title,
      category: row.category,
      contentType: row.content_type,
      size: row.size,
      sha256: contentHash.replace(/^0x/, ''),
      createdAt: new Date(row.created_at).toISOString(),
    });
  }
}

/** A promise whose rejection is held as a value (so a prefetch never becomes an unhandled rejection). */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
const unwrap = <T>(s: Settled<T>): T => {
  if (s.ok) return s.value;
  throw s.error;
};

const grantOrNull = (g: string) => (g.toLowerCase() === ZERO_BYTES32 ? null : g);
