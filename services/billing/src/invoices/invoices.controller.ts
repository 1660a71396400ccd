import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CurrentPrincipal,
  ForbiddenError,
  Public,
  Roles,
  eventContextOf,
  type Principal,
  NoIdempotencyKey,
} from '@uhr/platform';
import { fhirInvoiceOf } from './domain/fhir-invoice.js';
import type { InvoiceLine } from './domain/invoice.js';
import { InvoiceAccess } from './invoice-access.js';
import {
  DraftInvoiceDto,
  FlagOverchargeDto,
  InvoiceLinesDto,
  VerifyInvoiceDto,
  type InvoiceLineDto,
} from './invoice.dto.js';
import { InvoiceRepository, type StoredInvoice } from './invoice.repository.js';
import { DraftInvoiceUseCase } from './use-cases/draft-invoice/draft-invoice.use-case.js';
import { FlagOverchargeUseCase } from './use-cases/flag-overcharge/flag-overcharge.use-case.js';
import { IssueInvoiceUseCase } from './use-cases/issue-invoice/issue-invoice.use-case.js';
import { VerifyInvoiceUseCase } from './use-cases/verify-invoice/verify-invoice.use-case.js';

const lineOf = (d: InvoiceLineDto): InvoiceLine =>
  JSON.parse(JSON.stringify({ ...d, device: d.device ? { ...d.device } : undefined })) as InvoiceLine;

/** An invoice as its parties see it; the QR payload (id + salt) lets anyone they hand it to verify it. */
export function invoiceView(inv: StoredInvoice) {
  const { salt, canonical: _canonical, ...rest } = inv;
  return { ...rest, qr: inv.status === 'ISSUED' && salt ? `uhr-invoice:v1:${inv.id}:${salt}` : null, salt };
}

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('invoices')
export class InvoicesController {
  constructor(
    private readonly access: InvoiceAccess,
    private readonly invoices: InvoiceRepository,
    private readonly draft: DraftInvoiceUseCase,
    private readonly issue: IssueInvoiceUseCase,
    private readonly flag: FlagOverchargeUseCase,
    private readonly verifyInvoice: VerifyInvoiceUseCase,
  ) {}

  /** A hospital drafts an invoice; the answer carries each line's verdict. */
  @ApiOperation({
    summary: 'Draft an invoice for a registered patient; each line priced against the schedule in force (hospitals)',
    description:
      '422 UnknownPatient (no active registered patient) or InvoiceDatedAhead (`invoicedAt` later than now).',
  })
  @ApiResponse({ status: 201, description: 'the draft, each line with its verdict' })
  @ApiErrors(400, 401, 403, 422, 503)
  @Post()
  @Roles('provider')
  async create(@CurrentPrincipal() p: Principal, @Body() dto: DraftInvoiceDto) {
    const cmd = {
      providerSubject: p.subject,
      patientId: dto.patientId,
      category: dto.category ?? 'billing',
      currency: dto.currency,
      invoicedAt: new Date(dto.invoicedAt).toISOString(),
      lines: dto.lines.map(lineOf),
    };
    return invoiceView(await this.draft.execute(cmd, eventContextOf(p)));
  }

  @ApiOperation({
    summary: 'Your invoices, newest first: those you issued (hospitals), those billed to you (patients)',
    description: '`limit` 1–200, default 50.',
  })
  @ApiResponse({ status: 200, description: 'the invoices, with their QR payload once issued' })
  @ApiErrors(401, 403, 503)
  @Get()
  @Roles('provider', 'patient')
  async list(@CurrentPrincipal() p: Principal, @Query('limit') limit = '50') {
    const n = Math.min(200, Math.max(1, Number.parseInt(limit, 10) || 50));
    const rows = p.roles.includes('provider')
      ? await this.invoices.listFor({ provider: p.subject }, n)
      : await this.invoices.listFor({ patientIds: await this.access.patientIdsOf(p) }, n);
    return rows.map(invoiceView);
  }

  @ApiOperation({
    summary: 'One invoice (its hospital, its patient, auditors)',
    description: '404 InvoiceNotFound for anyone else, as for a missing one.',
  })
  @ApiResponse({ status: 200, description: 'the invoice: lines, verdicts, totals, status, credits and QR payload' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id')
  @Roles('provider', 'patient', 'auditor')
  async one(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return invoiceView(await this.access.readable(p, id));
  }

  @ApiOperation({
    summary: 'One invoice as a FHIR Invoice (read like GET /invoices/{id})',
    description: '404 InvoiceNotFound.',
  })
  @ApiResponse({ status: 200, description: 'a FHIR R4 Invoice' })
  @ApiErrors(400, 401, 403, 404, 503)
  @Get(':id/fhir')
  @Roles('provider', 'patient', 'auditor')
  async fhir(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return fhirInvoiceOf(await this.access.readable(p, id));
  }

  @ApiOperation({
    summary: 'Replace a draft’s lines, each repriced (the issuing hospital)',
    description:
      '403 NotTheIssuer; 404 InvoiceNotFound; 422 InvoiceIssued: an issued invoice is corrected by a credit note.',
  })
  @ApiResponse({ status: 200, description: 'the draft, each line with its verdict' })
  @ApiErrors(400, 401, 403, 404, 422, 503)
  @Put(':id/lines')
  @Roles('provider')
  async replaceLines(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: InvoiceLinesDto,
  ) {
    const draft = await this.access.ownedByProvider(p, id);
    return invoiceView(await this.draft.replaceLines(draft, dto.lines.map(lineOf)));
  }

  @ApiOperation({
    summary: 'Issue a draft invoice: its hash anchored, its QR payload returned (the issuing hospital)',
    description:
      '422 InvoiceRefused with the lines refused under the schedule in force; 409 InvoiceAlreadyIssued; ' +
      '403 NotTheIssuer; 404 InvoiceNotFound.',
  })
  @ApiResponse({ status: 200, description: 'the issued invoice, with `qr` = uhr-invoice:v1:<id>:<salt>' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
  @Post(':id/issue')
  @Roles('provider')
  @HttpCode(200)
  async issueOne(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    await this.access.ownedByProvider(p, id);
    return invoiceView(await this.issue.execute(id, eventContextOf(p)));
  }

  /** An auditor or the invoice's patient flags an overcharge: the answer is the credit note. */
  @ApiOperation({
    summary:
      'Flag an overcharge: the invoice repriced, a credit note with the excess and interest (auditors, its patient)',
    description:
      '403 NotThePatient; 404 InvoiceNotFound; 409 AlreadyRefunded; 422 NotAnIssuedInvoice, NoOvercharge ' +
      '(every line within its cap), or NoSuchLine for a correction.',
  })
  @ApiResponse({ status: 201, description: 'the credit note' })
  @ApiErrors(400, 401, 403, 404, 409, 422, 503)
  @Post(':id/flags')
  @Roles('auditor', 'patient')
  async flagOne(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: FlagOverchargeDto,
  ) {
    const invoice = await this.access.readable(p, id);
    if (!p.roles.includes('auditor') && !(await this.access.isPatientOf(p, invoice))) {
      throw new ForbiddenError('NotThePatient', 'only the billed patient or an auditor may flag this invoice');
    }
    const cmd = { invoice, flaggedBy: p.subject, reason: dto.reason, corrections: dto.corrections ?? [] };
    return invoiceView(await this.flag.execute(cmd, eventContextOf(p)));
  }

  /** Anyone holding the QR payload: no login, the salt is the credential. */
  @ApiOperation({
    summary: 'Verify an invoice from its QR payload: no login, the salt is the credential (public)',
    description:
      '`status` VALID, PENDING_ANCHOR or HASH_MISMATCH (a wrong salt: nothing of the invoice is told). ' +
      '404 InvoiceNotFound for no issued invoice.',
  })
  @ApiResponse({
    status: 200,
    description: '{ status, invoiceId, anchoredHash } and, unless HASH_MISMATCH, totals and proof',
  })
  @ApiErrors(400, 404, 503)
  @Post('verify')
  @NoIdempotencyKey('a public check of an invoice: nothing stored')
  @Public()
  @HttpCode(200)
  verify(@Body() dto: VerifyInvoiceDto) {
    return this.verifyInvoice.execute(dto.invoiceId, dto.salt);
  }
}
