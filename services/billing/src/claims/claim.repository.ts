import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StoredClaim {
  id: string;
  invoiceId: string;
  insurerSubject: string;
  grantId: string;
  response: Record<string, unknown>;
  createdAt: string;
}

interface Row {
  id: string;
  invoice_id: string;
  insurer_subject: string;
  grant_id: string;
  response: Record<string, unknown>;
  created_at: Date;
}

const toClaim = (r: Row): StoredClaim => ({
  id: r.id,
  invoiceId: r.invoice_id,
  insurerSubject: r.insurer_subject,
  grantId: r.grant_id,
  response: r.response,
  createdAt: new Date(r.created_at).toISOString(),
});

/** The only door to the claims table: one adjudication per insurer and invoice. */
@Injectable()
export class ClaimRepository {
  constructor(private readonly ds: DataSource) {}

  /** Inserts, or returns the insurer's earlier adjudication of the same invoice. */
  async insertOnce(c: Omit<StoredClaim, 'createdAt'>): Promise<StoredClaim> {
    const rows: Row[] = await this.ds.query(
      `with ins as (
         insert into claims (id, invoice_id, insurer_subject, grant_id, response) values ($1, $2, $3, $4, $5::jsonb)
         on conflict (invoice_id, insurer_subject) do nothing returning *)
       select * from ins union all
       select * from claims where invoice_id = $2 and insurer_subject = $3 and not exists (select 1 from ins)`,
      [c.id, c.invoiceId, c.insurerSubject, c.grantId, JSON.stringify(c.response)],
    );
    return toClaim(rows[0]!);
  }

  async byId(id: string): Promise<StoredClaim | undefined> {
    const rows: Row[] = await this.ds.query(`select * from claims where id = $1`, [id]);
    return rows[0] && toClaim(rows[0]);
  }
}
