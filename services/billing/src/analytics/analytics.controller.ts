import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, InvalidRequestError, Roles } from '@uhr/platform';
import { Dec, moneyString } from '../pricing/domain/money.js';
import { isTimeZone } from '../pricing/domain/zoned-date.js';
import { AnalyticsRepository, type HospitalMonth } from './analytics.repository.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function checkMonth(field: string, v: string | undefined): string {
  if (!v || !MONTH.test(v)) throw new InvalidRequestError('InvalidMonth', `${field} must be YYYY-MM`, { field });
  return v;
}

/**
 * The hospitals that overcharged most: excess refunded in the period, then the flagged share of invoices
 * (amounts are never added across currencies: a hospital billing in two appears once per currency).
 */
export function worstOffenders(months: readonly HospitalMonth[], top: number) {
  type Tally = { provider: string; currency: string; invoices: number; flagged: number; excess: Dec };
  const by = new Map<string, Tally>();
  for (const m of months) {
    const key = `${m.provider}\u0000${m.currency}`;
    const h = by.get(key) ?? {
      provider: m.provider,
      currency: m.currency,
      invoices: 0,
      flagged: 0,
      excess: new Dec(0),
    };
    h.invoices += m.invoices;
    h.flagged += m.flagged;
    h.excess = h.excess.add(m.excess);
    by.set(key, h);
  }
  return [...by.values()]
    .sort((a, b) => b.excess.cmp(a.excess) || b.flagged / b.invoices - a.flagged / a.invoices)
    .slice(0, top)
    .map((h) => ({
      ...h,
      excess: moneyString(h.excess, h.currency),
      overchargeRate: (h.flagged / h.invoices).toFixed(4),
    }));
}

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsRepository) {}

  @ApiOperation({
    summary: 'Overcharges per hospital per month, and the worst offenders (regulators, auditors)',
    description:
      '`from` and `to` YYYY-MM (400 InvalidMonth), months in `timeZone` (IANA, default Asia/Kolkata; 400 ' +
      'InvalidTimeZone), `top` 1–100 offenders (default 10).',
  })
  @ApiResponse({
    status: 200,
    description: '{ from, to, timeZone, months, worst }: invoices, flagged, rate, billed, excess, interest',
  })
  @ApiErrors(400, 401, 403, 503)
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
