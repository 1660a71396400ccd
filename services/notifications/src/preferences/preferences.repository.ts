import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { defaultPreferences, type DigestSetting, type Preferences } from './domain/preferences.js';

interface Row {
  subject: string;
  muted_types: string[];
  quiet_start: string | null;
  quiet_end: string | null;
  quiet_timezone: string | null;
  digest_daily: boolean;
  digest_at: string;
  digest_timezone: string;
}

const toPreferences = (r: Row): Preferences => ({
  mutedTypes: r.muted_types,
  quietHours:
    r.quiet_start && r.quiet_end && r.quiet_timezone
      ? { start: r.quiet_start, end: r.quiet_end, timezone: r.quiet_timezone }
      : null,
  digest: { daily: r.digest_daily, at: r.digest_at, timezone: r.digest_timezone },
});

@Injectable()
export class PreferencesRepository {
  constructor(private readonly ds: DataSource) {}

  async get(subject: string): Promise<Preferences> {
    const rows: Row[] = await this.ds.query('select * from preferences where subject = $1', [subject]);
    return rows[0] ? toPreferences(rows[0]) : defaultPreferences();
  }

  /** Preferences of several recipients at once, defaults for those who never set any. */
  async getMany(m: EntityManager, subjects: string[]): Promise<Map<string, Preferences>> {
    const rows: Row[] = await m.query('select * from preferences where subject = any($1::text[])', [subjects]);
    const found = new Map(rows.map((r) => [r.subject, toPreferences(r)]));
    return new Map(subjects.map((s) => [s, found.get(s) ?? defaultPreferences()]));
  }

  async put(subject: string, p: Preferences): Promise<Preferences> {
    const rows: Row[] = await this.ds.query(
      `insert into preferences (subject, muted_types, quiet_start, quiet_end, quiet_timezone, digest_daily, digest_at,
         digest_timezone, updated_at)
       values ($1,$2,$3,$4,$5,$6,$7,$8, now())
       on conflict (subject) do update set muted_types = excluded.muted_types, quiet_start = excluded.quiet_start,
         quiet_end = excluded.quiet_end, quiet_timezone = excluded.quiet_timezone,
         digest_daily = excluded.digest_daily, digest_at = excluded.digest_at,
         digest_timezone = excluded.digest_timezone, updated_at = now()
       returning *`,
      [
        subject,
        p.mutedTypes,
        p.quietHours?.start ?? null,
        p.quietHours?.end ?? null,
        p.quietHours?.timezone ?? null,
        p.digest.daily,
        p.digest.at,
        p.digest.timezone,
      ],
    );
    return toPreferences(rows[0]!);
  }

  async digestSubscribers(): Promise<Array<{ subject: string; digest: DigestSetting }>> {
    const rows: Row[] = await this.ds.query('select * from preferences where digest_daily');
    return rows.map((r) => ({ subject: r.subject, digest: toPreferences(r).digest }));
  }
}
