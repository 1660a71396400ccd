import { MerkleTree } from '@uhr/contracts';
import { keccak256, toUtf8Bytes } from 'ethers';
import { plain } from '../../pricing/domain/money.js';
import type { ScheduleEntry } from '../../pricing/domain/schedule.js';
import type { ScheduleHeader } from './schedule-draft.js';

/**
 * What is hashed: JSON arrays of strings only (money and rates as exact decimal strings — RFC 8785 would write
 * numbers as doubles), in a fixed field order, so anyone can recompute a leaf from the FHIR view.
 */
export function entryLeaf(versionId: string, e: ScheduleEntry): string {
  const fields = [
    'uhr.billing.entry.v1',
    versionId,
    e.code,
    e.description,
    e.unit,
    plain(e.ceilingPerUnit),
    String(e.taxInclusive),
    plain(e.taxRate),
    e.regime,
    String(e.deviceDetailsRequired),
  ];
  return keccak256(toUtf8Bytes(JSON.stringify(fields)));
}

/** Entries in code order: leaf i is the i-th code (the order is part of the version's content). */
export const byCode = (a: ScheduleEntry, b: ScheduleEntry) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

export function entriesTree(versionId: string, entries: readonly ScheduleEntry[]): MerkleTree {
  return new MerkleTree([...entries].sort(byCode).map((e) => entryLeaf(versionId, e)));
}

/** The version's on-chain commitment: its header and its entries' root, hashed together. */
export function versionHash(versionId: string, h: ScheduleHeader, regulator: string, entriesRoot: string): string {
  const fields = [
    'uhr.billing.schedule.v1',
    versionId,
    regulator,
    h.instrument,
    h.timeZone,
    h.currency,
    h.period.from,
    h.period.to ?? '',
    h.recoveryInterestRate,
    h.supersedes ?? '',
    entriesRoot,
  ];
  return keccak256(toUtf8Bytes(JSON.stringify(fields)));
}
