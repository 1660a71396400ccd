import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '@uhr/platform';
import { GuessingMonitor } from '../../anomalies/guessing-monitor.js';
import type { Party } from '../../master-data/domain/master-data.js';
import { MasterDataRepository } from '../../master-data/master-data.repository.js';
import { PackRepository, packKey } from '../../packs/pack.repository.js';
import { RecallIndex } from '../../recalls/recall-index.js';
import { verdictOf, type ScannedPack, type Verdict } from '../domain/verdict.js';
import { OutcomeLog } from '../outcome-log.js';

export interface VerifyResult extends Verdict {
  gtin: string;
  serial: string;
  lot: string | null;
  expiry: string | null;
  product: { name: string; strength: string; schedule: string | null } | null;
  /** The outcome's entry in the anchored stream of outcomes. */
  outcomeEntry: string;
}

/**
 * The pharmacist's scan. The hot path is one indexed PostgreSQL statement (the pack and whether its lot
 * exists), products and recalls from memory, and the outcome group-committed with others; no chain call.
 */
@Injectable()
export class VerifyUseCase {
  constructor(
    private readonly packs: PackRepository,
    private readonly masterData: MasterDataRepository,
    private readonly recalls: RecallIndex,
    private readonly log: OutcomeLog,
    private readonly guessing: GuessingMonitor,
  ) {}

  async one(party: Party, scan: ScannedPack, site: string | undefined, now = new Date()): Promise<VerifyResult> {
    const where = await this.siteOf(party, site);
    const product = await this.masterData.product(scan.gtin);
    const { pack, lotKnown } = product
      ? await this.packs.lookup(scan.gtin, scan.serial, scan.lot ?? null)
      : { pack: undefined, lotKnown: false };
    const verdict = verdictOf(scan, {
      product,
      pack,
      lotKnown,
      recalls: this.recalls.of(scan.gtin),
      today: today(now),
    });
    return (await this.finish(party, where, [{ scan, verdict, product }], now))[0]!;
  }

  async many(
    party: Party,
    scans: readonly ScannedPack[],
    site: string | undefined,
    now = new Date(),
  ): Promise<VerifyResult[]> {
    const where = await this.siteOf(party, site);
    const found = await this.packs.lookupMany(scans);
    // For serials not found, one more statement tells an unknown batch (A2) from an unknown serial (A3).
    const misses = scans.filter((x) => x.lot !== undefined && !found.has(packKey(x.gtin, x.serial)));
    const lots = await this.packs.knownLots(misses.map((x) => ({ gtin: x.gtin, lot: x.lot! })));
    const items = await Promise.all(
      scans.map(async (scan) => {
        const product = await this.masterData.product(scan.gtin);
        const pack = found.get(packKey(scan.gtin, scan.serial));
        const lotKnown = scan.lot !== undefined && lots.has(`${scan.gtin}|${scan.lot}`);
        const verdict = verdictOf(scan, {
          product,
          pack,
          lotKnown,
          recalls: this.recalls.of(scan.gtin),
          today: today(now),
        });
        return { scan, verdict, product };
      }),
    );
    return this.finish(party, where, items, now);
  }

  private async siteOf(party: Party, gln: string | undefined): Promise<string> {
    if (!gln) return `party:${party.id}`;
    const l = await this.masterData.location(gln);
    if (!l || l.partyId !== party.id)
      throw new ForbiddenError('NotYourSite', `location: ${gln} is not one of your sites`);
    return gln;
  }

  private async finish(
    party: Party,
    site: string,
    items: ReadonlyArray<{
      scan: ScannedPack;
      verdict: Verdict;
      product: { name: string; strength: string; schedule: string | null } | undefined;
    }>,
    now: Date,
  ) {
    const entries = await this.log.record(
      items.map(({ scan, verdict }) => ({
        kind: 'verify',
        gtin: scan.gtin,
        serial: scan.serial,
        result: { site, party: party.id, code: verdict.code, at: now.toISOString() },
      })),
    );
    for (const { verdict } of items)
      if (verdict.code === 'UNKNOWN_SERIAL') await this.guessing.unknownSerial(site, party.id, now.getTime());
    return items.map(({ scan, verdict, product }, i) => ({
      ...verdict,
      gtin: scan.gtin,
      serial: scan.serial,
      lot: scan.lot ?? null,
      expiry: scan.expiry ?? null,
      product: product ? { name: product.name, strength: product.strength, schedule: product.schedule } : null,
      outcomeEntry: entries[i]!,
    }));
  }
}

export const today = (now: Date) => now.toISOString().slice(0, 10);
