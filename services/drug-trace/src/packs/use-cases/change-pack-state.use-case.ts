import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, NotFoundError, type EventContext } from '@uhr/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { AlertRepository } from '../../anomalies/alert.repository.js';
import { cloneSuspicion, controlledDrugAbuse, type Alert } from '../../anomalies/domain/rules.js';
import type { Party, Product } from '../../master-data/domain/master-data.js';
import { MasterDataRepository } from '../../master-data/master-data.repository.js';
import { sgtinDl } from '../../epcis/domain/epcis-event.js';
import type { ScannedPack } from '../../verify/domain/verdict.js';
import { OutcomeLog } from '../../verify/outcome-log.js';
import { decide, evolve, type InactiveState, type PackCommand, type PackState, type Refusal } from '../domain/pack.js';
import { PackRepository, type PackRecord } from '../pack.repository.js';

export interface AbuseOptions {
  windowMs: number;
  minPharmacies: number;
}
export const ABUSE_OPTIONS = Symbol('ABUSE_OPTIONS');

export interface ChangeRequest {
  scan: ScannedPack;
  location: string;
  to?: InactiveState;
  patient?: string;
  prescriber?: string;
}

/**
 * POST /packs/decommission and /packs/undo: one pack's state changed at one of the caller's sites, in one
 * transaction with its anchored outcome (and, when a controlled drug is dispensed to a patient, the abuse rule).
 * A refused change is a 409 naming the pack's state; a second decommission is also a clone-suspicion alert.
 */
@Injectable()
export class ChangePackStateUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly packs: PackRepository,
    private readonly masterData: MasterDataRepository,
    private readonly alerts: AlertRepository,
    private readonly log: OutcomeLog,
    @Inject(ABUSE_OPTIONS) private readonly abuse: AbuseOptions,
  ) {}

  async execute(party: Party, req: ChangeRequest, ctx: EventContext) {
    const site = await this.masterData.location(req.location);
    if (!site || site.partyId !== party.id)
      throw new ForbiddenError('NotYourSite', `location: ${req.location} is not one of your sites`);
    const product = await this.masterData.product(req.scan.gtin);
    if (!product) throw new NotFoundError('UnknownProduct', `no product with GTIN ${req.scan.gtin}`);
    const cmd: PackCommand = req.to
      ? { kind: 'Decommission', to: req.to, at: ctx.occurredAt, location: req.location, party: party.id }
      : { kind: 'Undo', at: ctx.occurredAt, location: req.location, party: party.id };
    const outcome = await this.ds.transaction(async (m) => {
      const pack = await this.packs.forUpdate(m, req.scan.gtin, req.scan.serial);
      if (!pack || (req.scan.lot !== undefined && req.scan.lot !== pack.lot))
        throw new NotFoundError(
          'UnknownPack',
          `no pack ${req.scan.gtin} / ${req.scan.serial}${req.scan.lot ? ` in lot ${req.scan.lot}` : ''}`,
        );
      const d = decide(cmd, pack);
      if (!d.ok) return { refused: d.refusal, pack, entry: undefined } as const;
      const next: PackRecord = { ...pack, ...d.events.reduce<PackState>((st, ev) => evolve(st, ev), pack) };
      await this.packs.savePacks(m, [next]);
      const [entry] = await this.log.recordIn(m, [
        {
          kind: req.to ? 'decommission' : 'undo',
          gtin: pack.gtin,
          serial: pack.serial,
          result: {
            from: pack.status,
            to: next.status,
            site: req.location,
            party: party.id,
            at: ctx.occurredAt.toISOString(),
          },
        },
      ]);
      const abuse = req.to === 'supplied' && req.patient ? await this.dispensed(m, next, product, party, req, ctx) : [];
      await this.alerts.record(m, abuse, ctx);
      return { refused: undefined, pack: next, entry: entry! } as const;
    });
    if (outcome.refused) return this.refuse(outcome.refused, outcome.pack, cmd, party, ctx);
    return {
      gtin: outcome.pack.gtin,
      serial: outcome.pack.serial,
      state: outcome.pack.status,
      since: outcome.pack.since.toISOString(),
      outcomeEntry: outcome.entry,
    };
  }

  private async refuse(
    r: Refusal,
    pack: PackRecord,
    cmd: PackCommand,
    party: Party,
    ctx: EventContext,
  ): Promise<never> {
    if (cmd.kind === 'Decommission' && pack.status !== 'active') {
      const a = cloneSuspicion(
        sgtinDl(pack.gtin, pack.serial),
        `${cmd.to} requested again`,
        pack.status,
        [party.id, pack.statusParty ?? ''].filter(Boolean),
        ctx.occurredAt,
      );
      await this.ds.transaction((m) => this.alerts.record(m, [a], ctx));
    }
    throw new ConflictError('PackStateRefused', `${r.message} (EMVS ${r.code}, ${r.reason})`, {
      state: r.state,
      code: r.code,
      reason: r.reason,
    });
  }

  /** A controlled drug dispensed to a patient: remembered, and checked against that patient's recent ones. */
  private async dispensed(
    m: EntityManager,
    pack: PackRecord,
    product: Product,
    party: Party,
    req: ChangeRequest,
    ctx: EventContext,
  ): Promise<Alert[]> {
    if (!product.schedule) return [];
    await m.query(
      `insert into dispensations (patient, substance, pharmacy, party, gtin, serial, prescriber, dispensed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        req.patient,
        product.substance,
        req.location,
        party.id,
        pack.gtin,
        pack.serial,
        req.prescriber ?? null,
        ctx.occurredAt,
      ],
    );
    const rows = (await m.query(
      `select pharmacy, party, dispensed_at, gtin, serial from dispensations
        where patient = $1 and substance = $2 and dispensed_at > $3 order by dispensed_at`,
      [req.patient, product.substance, new Date(ctx.occurredAt.getTime() - this.abuse.windowMs)],
    )) as Array<{ pharmacy: string; party: string; dispensed_at: Date; gtin: string; serial: string }>;
    const history = rows.map((r) => ({
      pharmacy: r.pharmacy,
      at: new Date(r.dispensed_at),
      gtin: r.gtin,
      serial: r.serial,
    }));
    const found = controlledDrugAbuse(
      req.patient!,
      product.substance,
      history,
      ctx.occurredAt,
      this.abuse.windowMs,
      this.abuse.minPharmacies,
    );
    const a = found && { ...found, parties: [...new Set(rows.map((r) => r.party))] };
    if (!a) return [];
    return [{ ...a, evidence: { ...a.evidence, prescriber: req.prescriber ?? null } }];
  }
}
