import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InvalidRequestError, Roles } from '@uhr/platform';
import { Dec } from '../pricing/domain/money.js';
import { isTimeZone } from '../pricing/domain/zoned-date.js';
import { AnalyticsRepository, type HospitalMonth } from './analytics.repository.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function checkMonth(field: string, v: string | undefined): string {
  if (!v || !MONTH.test(v)) throw new InvalidRequestError('InvalidMonth', `${field} must be YYYY-MM`, { field });
  return v;
}

/** The hospitals that overcharged most: excess refunded in the period, then the flagged share of invoices. */
export function worstOffenders(months: readonly HospitalMonth[], top: number) {
  const by = new Map<string, { provider: string; invoices: number; flagged: number; excess: Dec }>();
  for (const m of months) {
    const h = by.get(m.provider) ?? { provider: m.provider, invoices: 0, flagged: 0, excess: new Dec(0) };
    h.invoices += m.invoices;
    h.flagged += m.flagged;
    h.excess = h.excess.add(m.excess);
    by.set(m.provider, h);
  }
  return [...by.values()]
    .sort((a, b) => b.excess.cmp(a.excess) || b.flagged / b.invoices - a.flagged / a.invoices)
    .slice(0, top)
    .map((h) => ({ ...h, excess: h.excess.toFixed(2), overchargeRate: (h.flagged / h.invoices).toFixed(4) }));
}

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsRepository) {}

  @Get('overcharges')
  @Roles('regulator', 'auditor')
  async overcharges(
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('timeZone') timeZone = 'Asia/Kolkata',
    @Query('top') top = '10',
  ) {
    const f = checkMonth('from', from);
    const t = checkMonth('to', to);
    if (!isTimeZone(timeZone))
      throw new InvalidRequestError('InvalidTimeZone', 'timeZone must be an IANA zone', { field: 'timeZone' });
    const months = await this.analytics.perHospitalMonth(timeZone, f, t);
    return {
      from: f,
      to: t,
      timeZone,
      months,
      worst: worstOffenders(months, Math.min(100, Math.max(1, Number(top) || 10))),
    };
  }
}
