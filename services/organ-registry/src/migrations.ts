import { streamAnchorerMigrations, type Migration } from '@uhr/platform';

const own: Migration[] = [
  {
    id: 'organ-registry-0001-waitlist-donation-matching-audit',
    sql: `
      -- Projection of the candidate streams: the current version, and every version a match run may name.
      create table candidates (
        id text primary key,
        centre text not null,
        organ text not null,
        data jsonb not null,
        digest text not null,
        version int not null,
        updated_at timestamptz not null
      );
      create index candidates_by_organ on candidates (organ, id);
      create index candidates_by_centre on candidates (centre, id);
      create table candidate_versions (
        id text not null,
        version int not null,
        data jsonb not null,
        digest text not null,
        changed text[] not null,
        changed_by text not null,
        changed_at timestamptz not null,
        primary key (id, version)
      );

      -- Donor identity and consent live encrypted in the blob store; here only references and hashes.
      create table donors (
        id text primary key,
        kind text not null,
        identity_blob jsonb not null,
        consent_blob jsonb not null,
        consent_hash text not null,
        anchor_entry_id text not null,
        registered_by text not null,
        registered_at timestamptz not null
      );
      create table organs (
        id text primary key,
        donor_id text not null references donors (id),
        type text not null,
        data jsonb not null,
        recorded_by text not null,
        recorded_at timestamptz not null
      );
      create index organs_by_donor on organs (donor_id);

      create table match_runs (
        id uuid primary key,
        organ_id text not null references organs (id),
        policy_version text not null,
        policy_hash text not null,
        run_at timestamptz not null,
        inputs_hash text not null,
        result_hash text not null,
        -- (candidate id, version) of every input, in id order: what a replay loads.
        inputs jsonb not null,
        result jsonb not null,
        anchor_entry_id text not null,
        -- What was anchored: Keccak-256 of the run's id, organ, policy and both hashes (canonical JSON).
        anchored_hash text not null,
        requested_by text not null,
        created_at timestamptz not null
      );
      create index match_runs_by_organ on match_runs (organ_id, created_at);
      -- The centres with a candidate ranked in a run: who may see that run's organ (clinical fields only).
      create table match_run_centres (
        run_id uuid not null references match_runs (id),
        centre text not null,
        primary key (run_id, centre)
      );

      -- Every read of a donor, organ, candidate or run: who, which, when (auditors read it).
      create table access_log (
        seq bigserial primary key,
        subject text not null,
        username text not null,
        roles text[] not null,
        resource text not null,
        resource_id text not null,
        action text not null,
        at timestamptz not null
      );
      create index access_log_by_subject on access_log (subject, at);
      create table bulk_lookup_alerts (
        subject text not null,
        window_start timestamptz not null,
        primary key (subject, window_start)
      );
    `,
  },
  {
    id: 'organ-registry-0002-allocations-offers',
    sql: `
      create table allocations (
        run_id uuid primary key references match_runs (id),
        organ_id text not null,
        organ_type text not null,
        updated_at timestamptz not null
      );
      -- One row per candidate reached on a run: offered (with its deadline), answered, or bypassed.
      create table offers (
        run_id uuid not null references allocations (run_id),
        candidate_id text not null,
        centre text not null,
        organ_type text not null,
        rank int not null,
        status text not null,
        code text,
        flagged boolean not null default false,
        expires_at timestamptz,
        updated_at timestamptz not null,
        primary key (run_id, candidate_id)
      );
      create index offers_open_by_deadline on offers (expires_at) where status = 'open';
      create index offers_by_centre on offers (centre, updated_at desc);
      -- One acceptance per candidate per organ type, held by the database as well as by the domain.
      create unique index offers_one_acceptance on offers (candidate_id, organ_type) where status = 'accepted';
    `,
  },
  {
    id: 'organ-registry-0003-ischemia-alerts',
    sql: `
      -- One alert per organ and stage (approaching, reached): raised once, whatever the number of sweeps.
      create table ischemia_alerts (
        organ_id text not null references organs (id),
        stage text not null,
        raised_at timestamptz not null,
        primary key (organ_id, stage)
      );
    `,
  },
  {
    id: 'organ-registry-0004-custody',
    sql: `
      -- Where each organ's custody stands (the registry's view; OrganCustody on-chain is the referee).
      create table custody (
        organ_id text primary key references organs (id),
        chain_organ_id text not null,
        custodian_id text not null,
        seq int not null,
        stage text not null,
        blocked boolean not null,
        updated_at timestamptz not null
      );
      -- Every registration, hand-off and reconciliation relayed, with its chain transaction's fate.
      create table custody_events (
        id bigserial primary key,
        organ_id text not null references organs (id),
        seq int not null,
        kind text not null,
        stage text,
        from_id text,
        to_id text,
        details jsonb not null,
        discrepancy boolean not null default false,
        status text not null default 'pending',
        tx_hash text,
        reason text,
        created_at timestamptz not null
      );
      create index custody_events_by_organ on custody_events (organ_id, id);
    `,
  },
];

export const organRegistryMigrations: Migration[] = [...streamAnchorerMigrations, ...own];
