import { createHash } from 'node:crypto';
import { BadRequestException, Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { EdgeInputError, HttpErrorFilter, LOGGER, type Principal, eventContextOf } from '@uhr/platform';
import type { Logger } from 'pino';
import { RecordRepository } from '../records/record.repository.js';
import { AuditRepository } from './audit/audit.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ReadRequest {
  principal?: Principal;
  params?: { id?: string };
  body?: unknown;
}

/**
 * A signed read refused for its input (a purpose PostgreSQL cannot hold, a malformed field) is still an attempt
 * on someone's record by an authenticated caller: it becomes an audit entry the patient sees — denied,
 * `BadRequest`, the stated purpose replaced by the sha256 of the body as sent — before the usual 400.
 */
@Catch(EdgeInputError, BadRequestException)
export class ReadAttemptAuditFilter implements ExceptionFilter {
  private readonly answer: HttpErrorFilter;

  constructor(
    private readonly audit: AuditRepository,
    private readonly records: RecordRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.answer = new HttpErrorFilter(logger);
  }

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<ReadRequest>();
    try {
      await this.record(req);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'a refused read attempt could not be audited');
    }
    this.answer.catch(exception, host);
  }

  private async record(req: ReadRequest): Promise<void> {
    const recordId = req.params?.id;
    if (!req.principal || !recordId || !UUID.test(recordId)) return;
    const row = await this.records.row(recordId).catch(() => undefined);
    const sent = createHash('sha256')
      .update(JSON.stringify(req.body ?? null))
      .digest('hex');
    await this.audit.record(
      {
        recordId,
        patientId: row?.patient_id ?? null,
        patientSubject: row?.patient_subject ?? null,
        readerSubject: req.principal.subject,
        readerUsername: req.principal.username,
        readerRoles: req.principal.roles,
        readerAddress: null,
        purpose: `invalid-request:sha256:${sent}`,
        grantId: null,
        basis: null,
        outcome: 'denied',
        reason: 'BadRequest',
      },
      eventContextOf(req.principal),
    );
  }
}
