import { createHash } from 'node:crypto';
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
  ServerTiming,
  TypedDataSigner,
  KeyRingError,
} from '@uhr/platform';
import type { Logger } from 'pino';
import type { RecordsConfig } from '../../../config.js';
import { Contracts } from '../../../chain/contracts.js';
import { documentReferenceOf } from '../../../records/domain/fhir.js';
import { categoryCode, purposeCode } from '../../../records/domain/on-chain.js';
import { RecordRepository, type RecordRow } from '../../../records/record.repository.js';
import { AuditRepository, type AuditInput, type NonceClaim } from '../../audit/audit.repository.js';
import { GrantUseAdapter } from '../../chain/grant-use.adapter.js';
import { PermissionCache, type AnchoredRecord } from '../../permission-cache.js';
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
  readonly status: 403 | 404 | 410 | 503;
  constructor(denial: Denial, message: string, auditId: string) {
    super(denial, message, { auditId });
    this.status =
      denial === 'RecordNotFound'
        ? 404
        : denial === 'RecordErased'
          ? 410
          : denial === 'ChainUnavailable' || denial === 'BlobStoreUnavailable' || denial === 'KeyUnavailable'
            ? 503
            : 403;
  }
}

const REPLAYED = 'this signed request was already used';
const MAX_BLOB_KEY_HINTS = 50_000;

/**
 * The Database Gatekeeper: a Keycloak token AND a request signed by the reader's registered key; the permission
 * is what the chain holds now; the blob is served only if its bytes hash to the anchored value. Every decision
 * is audited, allowed or not.
 */
@Injectable()
export class ReadRecordUseCase {
  private signerOf?: TypedDataSigner;
  /** record id → blob key, for records served before (immutable once written; bounded). */
  private readonly blobKeyHints = new Map<string, string>();

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

  async execute(recordId: string, cmd: ReadRecord, p: Principal, ctx: EventContext, timing = new ServerTiming()) {
    const base: AuditInput = {
      recordId,
      patientId: null,
      patientSubject: null,
      readerSubject: p.subject,
      readerUsername: p.username,
      readerRoles: p.roles,
      readerAddress: null,
      purpose: cmd.request.purpose,
      grantId: null,
      basis: null,
      outcome: 'denied',
      reason: null,
    };
    // Independent look-ups run together: the row, and the signer (recovery is CPU, the directory a query).
    const recordChainId = chainIdOf(recordId);
    this.signerOf ??= new TypedDataSigner(gatekeeperDomain(this.contracts.relationshipsDomain), READ_REQUEST_TYPES);
    const verifier = this.signerOf;
    const rowRead = timing.span('row', this.records.row(recordId));
    // The ciphertext is fetched as soon as its key is known — at once for a record read before (its blob key
    // never changes), else when the row arrives — while the signer and the chain are checked; it is hashed and
    // decrypted only once the read is allowed. A row that names another key than the hint (edited behind our
    // back) is fetched by the row's key, and then fails its anchor check as it should.
    const hint = this.blobKeyHints.get(recordId);
    const early = hint === undefined ? undefined : settle(timing.span('blob', this.blobs.getRaw(hint)));
    const ciphertext = rowRead.then(
      (r) => {
        if (!r) return undefined;
        if (early && hint === r.blob_key) return early;
        return settle(timing.span('blob', this.blobs.getRaw(r.blob_key)));
      },
      () => undefined,
    );
    const [row, signed] = await Promise.all([
      rowRead,
      (async () => {
        let address: string | undefined;
        try {
          address = timing.measure('signature', () =>
            verifier.recover(cmd.request as unknown as Record<string, unknown>, cmd.signature),
          );
        } catch {
          address = undefined;
        }
        return {
          address,
          identity: address ? await timing.span('signer', this.directory.byAddress(address)) : undefined,
        };
      })(),
    ]);
    if (row) Object.assign(base, { patientId: row.patient_id, patientSubject: row.patient_subject });

    // Once the request passed its own checks its nonce is spent by whatever is decided, claimed in the audit
    // entry's transaction; a replay is refused as NonceReplayed even if everything else about it is fine.
    const claimed: { nonce?: NonceClaim } = {};
    const refuse = async (denial: Denial, message: string, extra: Partial<AuditInput> = {}): Promise<never> => {
      const { auditId, replayed } = await this.audit.recordClaiming(
        { ...base, ...extra, outcome: 'denied', reason: denial },
        ctx,
        claimed.nonce,
      );
      if (replayed) throw new AccessDeniedError('NonceReplayed', REPLAYED, auditId);
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
    const claim: NonceClaim = {
      signer: signerAddress!,
      nonce: cmd.request.nonce,
      expiresAt: new Date((cmd.request.expiry + 3600) * 1000),
    };
    claimed.nonce = claim;
    if (!row) return refuse('RecordNotFound', `no record ${recordId}`);
    if (row.status === 'erased') return refuse('RecordErased', 'the record was erased: its data key is destroyed');
    // The same signed request again after its limited use was spent (a retry after a crash or a lost answer): its
    // permission was decided then; the row and the blob are still proven below before anything is served.
    const spent = await this.grantUse.spentUseOf(claim, recordId);

    // 2. What the chain says about the record (fail closed when it cannot be asked).
    let decision: AccessDecision;
    let onChain: AnchoredRecord;
    try {
      // The database row must be the one anchored: its leaf (ids, category, hashes, pointer) in its batch root.
      const anchor = await timing.span('anchor', this.cache.anchorOf(row));
      if (anchor.kind === 'unanchored') {
        return refuse('RecordNotFound', `record ${recordId} is not anchored yet`);
      }
      if (anchor.kind === 'mismatch') {
        return this.integrityViolation(
          base,
          ctx,
          row,
          anchor.root,
          anchor.leaf,
          'the database row does not match its anchor',
        );
      }
      onChain = anchor.record;
      decision = spent
        ? { allowed: true, basis: 'grant', grantId: spent.grantId, consume: true }
        : await this.permissionOf(
            onChain,
            cmd,
            { signer: signer!, address: signerAddress!, recordChainId },
            row,
            timing,
          );
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
      const stored = unwrap((await ciphertext)!);
      plaintext = timing.measure('open', () => this.reader.open(row, stored));
    } catch (err) {
      if (err instanceof BlobTamperedError) {
        return this.integrityViolation(
          base,
          ctx,
          row,
          '0x' + err.expectedSha256,
          '0x' + err.actualSha256,
          'the stored blob does not match its record',
        );
      }
      if (err instanceof KeyRingError) {
        return refuse('KeyUnavailable', 'the record is sealed under a key this instance does not hold; retry later');
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
    // 4. A limited grant is spent on-chain, exactly once per signed request, before anything is served; its
    //    audit entry is written with the chain's answer. Otherwise the allowed read is audited here.
    const auditId = decision.consume
      ? await this.spendUse(claim, base, ctx, timing, {
          grantId: decision.grantId!,
          reader: signerAddress!,
          recordPatientId: onChain.patientId,
          recordId: recordChainId,
          category: categoryCode(row.category),
        })
      : await this.recordAllowed(base, ctx, claim, timing);
    if (this.blobKeyHints.size >= MAX_BLOB_KEY_HINTS) this.blobKeyHints.clear();
    this.blobKeyHints.set(recordId, row.blob_key);
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
            documentReference: this.documentReference(row, createHash('sha256').update(plaintext).digest('hex')),
            contentType: row.content_type,
            data: plaintext.toString('base64'),
          }),
    };
  }

  /** What the chain allows this reader now: the relationship (an author's read) and the grant relied on. */
  private async permissionOf(
    record: AnchoredRecord,
    cmd: ReadRecord,
    who: { signer: KnownIdentity; address: string; recordChainId: string },
    row: RecordRow,
    timing: ServerTiming,
  ): Promise<AccessDecision> {
    const { signer } = who;
    const [relationshipActive, grant] = await timing.span(
      'chain-permission',
      Promise.all([
        this.cache.relationshipActive(record.patientId, record.providerId, signer.chainId),
        this.cache.grantFor(
          cmd.request.grantId,
          who.address,
          who.recordChainId,
          categoryCode(row.category),
          purposeCode(cmd.request.purpose),
          signer.chainId,
          record,
        ),
      ]),
    );
    return decidePermission({
      readerIdentityChainId: signer.chainId,
      namedGrant: cmd.request.grantId.toLowerCase() !== ZERO_BYTES32,
      record,
      relationshipActive,
      grant,
    });
  }

  /** The allowed read's entry, claiming the request's nonce in the same statement. */
  private async recordAllowed(base: AuditInput, ctx: EventContext, claim: NonceClaim, timing: ServerTiming) {
    const { auditId, replayed } = await timing.span(
      'audit',
      this.audit.recordClaiming({ ...base, outcome: 'allowed', reason: null }, ctx, claim),
    );
    if (replayed) throw new AccessDeniedError('NonceReplayed', REPLAYED, auditId);
    return auditId;
  }

  /** A limited grant's use: spent once, its entry written with the chain's answer; a resend gets the same use. */
  private async spendUse(
    claim: NonceClaim,
    base: AuditInput,
    ctx: EventContext,
    timing: ServerTiming,
    call: Parameters<GrantUseAdapter['spend']>[1],
  ): Promise<string> {
    const allowed: AuditInput = { ...base, outcome: 'allowed', reason: null };
    const use = await timing.span('consume', this.grantUse.spend(claim, call, allowed, ctx));
    const deny = async (denial: Denial, message: string) => {
      const auditId = await this.audit.record({ ...base, outcome: 'denied', reason: denial }, ctx);
      throw new AccessDeniedError(denial, message, auditId);
    };
    switch (use.kind) {
      case 'spent':
        if (!use.redelivery) return use.auditId;
        // The same signed request again: the use it paid for is delivered again, and that delivery audited too.
        return this.audit.record({ ...allowed, reason: 'UseRedelivered' }, ctx);
      case 'refused':
        throw new AccessDeniedError('GrantExhausted', `grant use refused: ${use.reason}`, use.auditId);
      case 'replayed':
        return deny('NonceReplayed', REPLAYED);
      case 'unconfirmed':
        return deny('ChainUnavailable', 'the grant use is not confirmed yet: send the same request again');
    }
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

  private documentReference(row: RecordRow, fileSha256: string) {
    return documentReferenceOf({
      recordId: row.id,
      patientId: row.patient_id,
      providerId: row.provider_id,
      title: row.title,
      category: row.category,
      contentType: row.content_type,
      size: row.size,
      sha256: fileSha256,
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
