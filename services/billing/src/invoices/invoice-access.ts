import { Injectable } from '@nestjs/common';
import { ForbiddenError, IdentityDirectory, NotFoundError, type Principal } from '@uhr/platform';
import { InvoiceRepository, type StoredInvoice } from './invoice.repository.js';

/**
 * Who may see an invoice: the hospital that wrote it, the patient it bills (any registrar identity bound to the
 * caller's login), an auditor. Everyone else — another hospital, another patient, an insurer without a claim —
 * gets the same 404 as for an invoice that does not exist, so ids cannot be probed.
 */
@Injectable()
export class InvoiceAccess {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly directory: IdentityDirectory,
  ) {}

  async patientIdsOf(p: Principal): Promise<string[]> {
    return (await this.directory.bySubject(p.subject)).filter((i) => i.kind === 'patient').map((i) => i.id);
  }

  async isPatientOf(p: Principal, inv: StoredInvoice): Promise<boolean> {
    return p.roles.includes('patient') && (await this.patientIdsOf(p)).includes(inv.patientId);
  }

  async readable(p: Principal, id: string): Promise<StoredInvoice> {
    const inv = await this.invoices.byId(id);
    if (inv && (await this.mayRead(p, inv))) return inv;
    throw new NotFoundError('InvoiceNotFound', `no invoice ${id} visible to you`);
  }

  /** The hospital's own draft or invoice, for a change. */
  async ownedByProvider(p: Principal, id: string): Promise<StoredInvoice> {
    const inv = await this.readable(p, id);
    if (inv.providerSubject !== p.subject)
      throw new ForbiddenError('NotTheIssuer', 'only the issuing hospital may change it');
    return inv;
  }

  private async mayRead(p: Principal, inv: StoredInvoice): Promise<boolean> {
    if (p.roles.includes('provider') && inv.providerSubject === p.subject) return true;
    if (p.roles.includes('auditor')) return true;
    return this.isPatientOf(p, inv);
  }
}
