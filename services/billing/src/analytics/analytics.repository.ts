import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decimal, moneyString } from '../pricing/domain/money.js';

export interface HospitalMonth {
  provider: string;
  month: string;
  currency: string;
  invoices: number;
  flagged: number;
  /** flagged / invoices, as a decimal string to 4 places. */
  overchargeRate: string;
  billed: string;
  excess: string;
  interest: string;
}

/** Overcharges per hospital, month (in the regulator's zone) and currency, from issued invoices and their flags. */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly ds: DataSource) {}

  async perHospitalMonth(zone: string, from: string, to: string): Promise<HospitalMonth[]> {
    const rows: Array<Record<string, string | number>> = await this.ds.query(
      `select i.provider_subject as provider,
              to_char(date_trunc('month', i.invoiced_at at time zone $1), 'YYYY-MM') as month, i.currency,
              count(*)::int as invoices, count(f.invoice_id)::int as flagged,
              round(count(f.invoice_id)::numeric / count(*), 4)::text as rate,
              sum(i.total_gross)::text as billed, coalesce(sum(f.excess), 0)::text as excess,
              coalesce(sum(f.interest), 0)::text as interest
         from invoices i left join overcharge_flags f on f.invoice_id = i.id
        where i.kind = 'INVOICE' and i.status = 'ISSUED'
          and i.invoiced_at >= ($2 || '-01')::timestamp at time zone $1
          and i.invoiced_at < (($3 || '-01')::date + interval '1 month')::timestamp at time zone $1
        group by 1, 2, 3 order by 2, 1, 3`,
      [zone, from, to],
    );
    const m = (v: string | number, currency: string) => moneyString(decimal(String(v)), currency);
    return rows.map((r) => ({
      provider: String(r.provider),
      month: String(r.month),
      currency: String(r.currency),
      invoices: Number(r.invoices),
      flagged: Number(r.flagged),
      overchargeRate: String(r.rate),
      billed: m(r.billed!, String(r.currency)),
      excess: m(r.excess!, String(r.currency)),
      interest: m(r.interest!, String(r.currency)),
    }));
  }
}
