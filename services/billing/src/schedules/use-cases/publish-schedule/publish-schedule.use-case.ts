import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError, UnprocessableError, type EventContext } from '@uhr/platform';
import { keccak256, toUtf8Bytes } from 'ethers';
import type { EntityManager } from 'typeorm';
import { Anchoring } from '../../../anchoring.js';
import { plain } from '../../../pricing/domain/money.js';
import type { ScheduleEntry } from '../../../pricing/domain/schedule.js';
import {
  headerProblems,
  parseRows,
  type ParsedSchedule,
  type RawRow,
  type RowProblem,
  type ScheduleHeader,
} from '../../domain/schedule-draft.js';
import { byCode, entriesTree, versionHash } from '../../domain/schedule-hash.js';
import { overlapAsConflict, ScheduleRepository, type StoredVersion } from '../../schedule.repository.js';

interface Draft {
  regulator: string;
  header: ScheduleHeader;
  parsed: ParsedSchedule;
  rows: readonly RawRow[];
  sourceHash: string;
}

const isSourceClash = (err: unknown) =>
  (err as { code?: string; constraint?: string }).code === '23505' &&
  (err as { constraint?: string }).constraint === 'schedule_versions_source_hash_key';

export interface PublishSchedule {
  regulator: string;
  header: ScheduleHeader;
  rows: readonly RawRow[];
  /** Problems reading the file itself (a missing column, a broken quote): reported with the header's. */
  fileProblems?: readonly RowProblem[];
}

const refuse = (problems: RowProblem[]) =>
  new UnprocessableError('ScheduleRejected', `${problems.length} problem(s); nothing was published`, { problems });

/** The publication's content, independent of its file format: publishing it again finds the first version. */
function sourceHashOf(regulator: string, h: ScheduleHeader, parsed: ParsedSchedule): string {
  const entry = (e: ScheduleEntry) => [
    e.code,
    e.description,
    e.unit,
    plain(e.ceilingPerUnit),
    e.taxInclusive,
    plain(e.taxRate),
    e.regime,
    e.deviceDetailsRequired,
  ];
  return keccak256(
    toUtf8Bytes(
      JSON.stringify([
        regulator,
        h.instrument,
        h.timeZone,
        h.currency,
        h.period.from,
        h.period.to ?? null,
        h.recoveryInterestRate,
        h.supersedes ?? null,
        [...parsed.entries].sort(byCode).map(entry),
        parsed.packs.map((p) => [p.gtin, p.code, plain(p.unitsPerPack)]),
      ]),
    ),
  );
}

/**
 * A regulator publishes one immutable schedule version: every row checked first (all or nothing), then the
 * version, its entries and pack mappings written with its hash queued for anchoring, in one transaction.
 */
@Injectable()
export class PublishScheduleUseCase {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly anchoring: Anchoring,
  ) {}

  async execute(cmd: PublishSchedule, ctx: EventContext): Promise<{ version: StoredVersion; created: boolean }> {
    const header = { ...cmd.header, recoveryInterestRate: cmd.header.recoveryInterestRate.trim() };
    const parsed = parseRows(cmd.rows);
    const rowProblems = cmd.fileProblems ?? ('problems' in parsed ? parsed.problems : []);
    const problems = [...headerProblems(header), ...rowProblems];
    if (problems.length > 0 || 'problems' in parsed) throw refuse(problems);
    const draft: Draft = {
      regulator: cmd.regulator,
      header,
      parsed,
      rows: cmd.rows,
      sourceHash: sourceHashOf(cmd.regulator, header, parsed),
    };
    try {
      const out = await this.schedules.transaction((m) => this.publishOnce(m, draft, ctx));
      if (out.created) await this.schedules.refreshStatistics();
      return out;
    } catch (err) {
      // The same publication committed by a concurrent request: it is the one.
      const same = isSourceClash(err) && (await this.schedules.bySource(undefined, draft.sourceHash));
      if (same) return { version: same, created: false };
      throw overlapAsConflict(err);
    }
  }

  private async publishOnce(m: EntityManager, d: Draft, ctx: EventContext) {
    const existing = await this.schedules.bySource(m, d.sourceHash);
    if (existing) return { version: existing, created: false };
    await this.checkSupersedes(d.header, d.regulator);
    const packConflicts = await this.schedules.conflictingPacks(m, d.parsed.packs);
    if (packConflicts.size > 0) throw refuse(packProblems(d.rows, packConflicts));
    const id = randomUUID();
    const entriesRoot = entriesTree(id, d.parsed.entries).root;
    const versionHashHex = versionHash(id, d.header, d.regulator, entriesRoot);
    const [anchorEntryId] = await this.anchoring.schedules.append(m, [versionHashHex]);
    const entries = [...d.parsed.entries].sort(byCode);
    await this.schedules.insert(
      m,
      {
        id,
        regulator: d.regulator,
        header: d.header,
        entries,
        packs: d.parsed.packs,
        entriesRoot,
        versionHash: versionHashHex,
        sourceHash: d.sourceHash,
        anchorEntryId: anchorEntryId!,
      },
      ctx,
    );
    return { version: (await this.schedules.byId(id, m))!, created: true };
  }

  private async checkSupersedes(h: ScheduleHeader, regulator: string): Promise<void> {
    if (!h.supersedes) return;
    const old = await this.schedules.byId(h.supersedes);
    if (!old) throw new NotFoundError('ScheduleNotFound', `no schedule version ${h.supersedes} to supersede`);
    if (old.regulator !== regulator) {
      throw new ForbiddenError('NotTheRegulator', 'only the regulator that published a version may supersede it');
    }
    if (h.period.from <= old.period.from) {
      throw new UnprocessableError(
        'SupersedesTooEarly',
        `a version superseding ${old.id} must start after ${old.period.from}`,
        {
          field: 'effectiveFrom',
        },
      );
    }
  }
}

function packProblems(rows: readonly RawRow[], conflicts: Map<string, string>): RowProblem[] {
  return rows
    .filter((r) => conflicts.has((r.cells.gtin ?? '').trim()))
    .map((r) => ({
      row: r.row,
      field: 'gtin',
      reason: `already mapped to ${conflicts.get((r.cells.gtin ?? '').trim())}`,
    }));
}
