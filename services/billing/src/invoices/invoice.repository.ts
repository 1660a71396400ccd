import { Injectable } from '@nestjs/common';
import { EventStore, topicOf, type DomainEvent, type EventContext } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { LineVerdict } from '../pricing/domain/line-verdict.js';
import { decimal, moneyString } from '../pricing/domain/money.js';
import type { Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Totals } from './domain/invoice.js';

export const INVOICE_TOPIC = topicOf('billing', 'invoice', 1);

export interface StoredInvoice extends Invoice {
  totals: Totals | null;
  salt: string | null;
  invoiceHash: string | null;
  canonical: string | null;
  anchorEntryId: string | null;
  issuedAt: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  provider_subject: string;
  patient_id: string;
  category: string;
  currency: string;
  invoiced_at: Date;
  lines: InvoiceLine[];
  verdicts: LineVerdict[] | null;
  total_net: string | null;
  total_tax: string | null;
  total_gross: string | null;
  total_excess: string | null;
  credits: string | null;
  salt: string | null;
  invoice_hash: string | null;
  canonical: string | null;
  anchor_entry_id: string | null;
  issued_at: Date | null;
  created_at: Date;
}

/** NUMERIC(20,3) reads back as "22.400": money is written with its currency's minor digits again. */
function totalsOfRow(r: Row): Totals {
  const m = (x: string | null) => moneyString(decimal(x!), r.currency);
  return { net: m(r.total_net), tax: m(r.total_tax), gross: m(r.total_gross), excess: m(r.total_excess) };
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

const toInvoice = (r: Row): StoredInvoice => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  providerSubject: r.provider_subject,
  patientId: r.patient_id,
  category: r.category,
  currency: r.currency,
  invoicedAt: iso(r.invoiced_at)!,
  lines: r.lines,
  verdicts: r.verdicts,
  credits: r.credits,
  totals: r.total_gross === null ? null : totalsOfRow(r),
  salt: r.salt,
  invoiceHash: r.invoice_hash,
  canonical: r.canonical,
  anchorEntryId: r.anchor_entry_id,
  issuedAt: iso(r.issued_at),
  createdAt: iso(r.created_at)!,
});

// NUMERIC(20,3) prints with three decimals: the stored text of the money columns is re-read by currency.
const COLUMNS = `id, kind, status, provider_subject, patient_id, category, currency, invoiced_at, lines, verdicts,
  total_net::text, total_tax::text, total_gross::text, total_excess::text, credits, salt, invoice_hash, canonical,
  anchor_entry_id, issued_at, created_at`;

export interface Issue {
  totals: Totals;
  verdicts: LineVerdict[];
  salt: string;
  invoiceHash: string;
  canonical: string;
  anchorEntryId: string;
  issuedAt: string;
}

/** The only door to the invoice tables; every change appends its event to the outbox in the same transaction. */
@Injectable()
export class InvoiceRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
  ) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  async byId(id: string, m: EntityManager = this.ds.manager, lock = false): Promise<StoredInvoice | undefined> {
    const rows: Row[] = await m.query(`select ${COLUMNS} from invoices where id = $1 ${lock ? 'for update' : ''}`, [
      id,
    ]);
    return rows[0] && toInvoice(rows[0]);
  }

  async creditNoteOf(invoiceId: string): Promise<StoredInvoice | undefined> {
    const rows: Row[] = await this.ds.query(`select ${COLUMNS} from invoices where credits = $1`, [invoiceId]);
    return rows[0] && toInvoice(rows[0]);
  }

  /** A party's invoices: the hospital's own, or those of the patient identities a login holds. */
  async listFor(by: { provider: string } | { patientIds: readonly string[] }, limit: number): Promise<StoredInvoice[]> {
    const rows: Row[] =
      'provider' in by
        ? await this.ds.query(
            `select ${COLUMNS} from invoices where provider_subject = $1 order by created_at desc limit $2`,
            [by.provider, limit],
          )
        : await this.ds.query(
            `select ${COLUMNS} from invoices where patient_id = any($1::uuid[]) order by created_at desc limit $2`,
            [by.patientIds, limit],
          );
    return rows.map(toInvoice);
  }

  async insertDraft(m: EntityManager, inv: Invoice, verdicts: LineVerdict[], ctx: EventContext): Promise<void> {
    await m.query(
      `insert into invoices (id, kind, status, provider_subject, patient_id, category, currency, invoiced_at, lines,
         verdicts, credits) values ($1, $2, 'DRAFT', $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)`,
      [
        inv.id,
        inv.kind,
        inv.providerSubject,
        inv.patientId,
        inv.category,
        inv.currency,
        inv.invoicedAt,
        JSON.stringify(inv.lines),
        JSON.stringify(verdicts),
        inv.credits,
      ],
    );
    await this.append(
      m,
      inv.id,
      {
        type: 'billing.InvoiceDrafted',
        version: 1,
        payload: {
          invoiceId: inv.id,
          kind: inv.kind,
          providerSubject: inv.providerSubject,
          patientId: inv.patientId,
          lineCount: inv.lines.length,
        },
      },
      ctx,
    );
  }

  async replaceDraftLines(m: EntityManager, id: string, lines: InvoiceLine[], verdicts: LineVerdict[]): Promise<void> {
    await m.query(`update invoices set lines = $2::jsonb, verdicts = $3::jsonb where id = $1 and status = 'DRAFT'`, [
      id,
      JSON.stringify(lines),
      JSON.stringify(verdicts),
    ]);
  }

  async saveVerdicts(m: EntityManager, id: string, verdicts: LineVerdict[]): Promise<void> {
    await m.query(`update invoices set verdicts = $2::jsonb where id = $1 and status = 'DRAFT'`, [
      id,
      JSON.stringify(verdicts),
    ]);
  }

  /** DRAFT → ISSUED, once: the row is locked by the caller, and the trigger freezes it from here on. */
  async markIssued(m: EntityManager, inv: Invoice, i: Issue, ctx: EventContext): Promise<void> {
    await m.query(
      `update invoices set status = 'ISSUED', verdicts = $2::jsonb, total_net = $3, total_tax = $4, total_gross = $5,
         total_excess = $6, salt = $7, invoice_hash = $8, canonical = $9, anchor_entry_id = $10, issued_at = $11
       where id = $1 and status = 'DRAFT'`,
      [
        inv.id,
        JSON.stringify(i.verdicts),
        i.totals.net,
        i.totals.tax,
        i.totals.gross,
        i.totals.excess,
        i.salt,
        i.invoiceHash,
        i.canonical,
        i.anchorEntryId,
        i.issuedAt,
      ],
    );
    const payload = {
      invoiceId: inv.id,
      kind: inv.kind,
      providerSubject: inv.providerSubject,
      patientId: inv.patientId,
      currency: inv.currency,
      gross: i.totals.gross,
      invoiceHash: i.invoiceHash,
      credits: inv.credits,
    };
    await this.append(m, inv.id, { type: 'billing.InvoiceIssued', version: 1, payload }, ctx);
  }

  async recordFlag(
    m: EntityManager,
    flag: {
      invoiceId: string;
      flaggedBy: string;
      reason: string;
      excess: string;
      interest: string;
      creditNoteId: string;
    },
    event: DomainEvent,
    ctx: EventContext,
  ): Promise<void> {
    await m.query(
      `insert into overcharge_flags (invoice_id, flagged_by, reason, excess, interest, credit_note_id)
       values ($1, $2, $3, $4, $5, $6)`,
      [flag.invoiceId, flag.flaggedBy, flag.reason, flag.excess, flag.interest, flag.creditNoteId],
    );
    await this.append(m, `flag-${flag.invoiceId}`, event, ctx);
  }

  /** Appends after what the stream holds; callers hold the invoice row's lock, so no one appends between. */
  private async append(m: EntityManager, stream: string, event: DomainEvent, ctx: EventContext) {
    const streamId = `invoice-${stream}`;
    const history = await this.events.load(streamId, m);
    await this.events.append(m, streamId, history.length, [event], ctx, INVOICE_TOPIC);
  }
}
