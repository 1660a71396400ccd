import { InvalidRequestError, UnprocessableError } from '@uhr/platform';
import { parseScan } from '../../scan/index.js';
import type { ScannedPack } from '../domain/verdict.js';
import type { VerifyItemDto } from '../verify.dto.js';

export type IdentityRead =
  { ok: true; pack: ScannedPack } | { ok: false; error: { ai?: string; rule: string; message: string } };

/** A scan or an identity → the pack it names. A parse error is not a verification outcome (and never an alert). */
export function readIdentity(item: VerifyItemDto, now: Date): IdentityRead {
  if ((item.scan === undefined) === (item.identity === undefined))
    throw new InvalidRequestError('OneOfScanOrIdentity', 'give exactly one of scan and identity');
  if (item.identity) return { ok: true, pack: item.identity };
  const r = parseScan(item.scan!, { now });
  if (!r.ok) return { ok: false, error: r.error };
  const { gtin, serial, lot, expiry } = r.identity;
  if (!serial)
    return { ok: false, error: { ai: '21', rule: 'requires-key', message: 'a pack scan needs a serial (AI 21)' } };
  return { ok: true, pack: { gtin, serial, lot, expiry } };
}

/** The single-scan form: a parse error is a 422 naming the AI and the rule. */
export function identityOrThrow(item: VerifyItemDto, now: Date): ScannedPack {
  const r = readIdentity(item, now);
  if (r.ok) return r.pack;
  throw new UnprocessableError('ScanParseError', `${r.error.ai ? `AI (${r.error.ai}): ` : ''}${r.error.message}`, {
    ai: r.error.ai ?? null,
    rule: r.error.rule,
  });
}
