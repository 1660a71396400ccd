import type { Migration } from '@uhr/platform';

/** The service's own tables (the platform's event store, outbox and stream anchorer tables come first). */
export const drugTraceMigrations: Migration[] = [
  {
    id: 'drug-trace-0001-master-data',
    sql: `
      create table parties (
        id uuid primary key,
        subject text not null unique,
        role text not null check (role in ('manufacturer', 'distributor', 'pharmacist')),
        name text not null,
        gln text unique,
        created_at timestamptz not null default now()
      );
      create table manufacturers (
        gln text primary key,
        party_id uuid not null references parties (id),
        name text not null,
        company_prefix text not null unique,
        prefix_length integer not null check (prefix_length between 6 and 12),
        created_at timestamptz not null default now()
      );
      create table products (
        gtin text primary key,
        manufacturer_gln text not null references manufacturers (gln),
        name text not null,
        strength text not null,
        national_code text,
        schedule text,
        substance text not null,
        created_at timestamptz not null default now()
      );
      create table locations (
        gln text primary key,
        party_id uuid not null references parties (id),
        name text not null,
        latitude double precision not null,
        longitude double precision not null,
        created_at timestamptz not null default now()
      );
      create index locations_party on locations (party_id);
    `,
  },
  {
    id: 'drug-trace-0002-epcis',
    sql: `
      create table capture_jobs (
        id uuid primary key,
        party_id uuid not null references parties (id),
        status text not null check (status in ('succeeded', 'failed')),
        event_count integer not null,
        new_count integer not null,
        errors jsonb not null default '[]',
        created_at timestamptz not null default now()
      );
      create table epcis_events (
        seq bigserial primary key,
        hash text not null unique,
        type text not null,
        event_time timestamptz not null,
        record_time timestamptz not null default now(),
        biz_step text,
        disposition text,
        action text,
        read_point text,
        biz_location text,
        body jsonb not null,
        capture_id uuid not null references capture_jobs (id),
        anchor_entry text
      );
      create index epcis_events_time on epcis_events (event_time);
      create table event_epcs (
        event_seq bigint not null references epcis_events (seq),
        epc text not null,
        -- false: the event names a case or pallet this EPC was inside (custody history, not MATCH_epc).
        direct boolean not null,
        primary key (epc, event_seq)
      );
      create table event_parties (
        event_seq bigint not null references epcis_events (seq),
        party_id uuid not null,
        primary key (party_id, event_seq)
      );
      create table error_declarations (
        id bigserial primary key,
        event_hash text not null references epcis_events (hash),
        declaration jsonb not null,
        capture_id uuid not null references capture_jobs (id),
        declared_at timestamptz not null default now(),
        unique (event_hash, declaration)
      );
    `,
  },
  {
    id: 'drug-trace-0003-packs-recalls-alerts',
    sql: `
      -- One row per commissioned serial: what verify reads (one primary-key lookup) and decommission updates.
      create table packs (
        gtin text not null,
        serial text not null,
        lot text not null,
        expiry date not null,
        state text not null,
        state_since timestamptz not null,
        state_location text,
        state_party uuid,
        previous_state text,
        location_gln text,
        custodian uuid,
        parent text,
        commissioned_at timestamptz not null,
        last_seen_at timestamptz,
        last_seen_gln text,
        -- The party a shipment named as its destination, until a receipt (the wrong-receiver rule compares).
        destination uuid,
        primary key (gtin, serial)
      );
      -- Cases and pallets (SSCC, as canonical Digital Links) and what they are packed into.
      create table containers (
        sscc text primary key,
        parent text,
        location_gln text,
        custodian uuid,
        updated_at timestamptz not null default now()
      );
      create index containers_parent on containers (parent) where parent is not null;
      create index packs_parent on packs (parent) where parent is not null;
      create index packs_lot on packs (gtin, lot);
      create index packs_active_expiry on packs (expiry) where state = 'active';
      create table recalls (
        id uuid primary key,
        gtin text not null,
        lot text,
        serials text[],
        reason text not null,
        recalled_by uuid not null,
        created_at timestamptz not null default now()
      );
      create index recalls_gtin on recalls (gtin);
      create table alerts (
        id uuid primary key,
        rule text not null,
        severity text not null,
        evidence jsonb not null,
        parties uuid[] not null default '{}',
        created_at timestamptz not null default now()
      );
      create index alerts_parties on alerts using gin (parties);
      create table dispensations (
        id bigserial primary key,
        patient text not null,
        substance text not null,
        -- The dispensing site (GLN) and the party that runs it.
        pharmacy text not null,
        party uuid not null,
        gtin text not null,
        serial text not null,
        prescriber text,
        dispensed_at timestamptz not null
      );
      create index dispensations_patient on dispensations (patient, substance, dispensed_at);
      create table outcomes (
        id bigserial primary key,
        kind text not null,
        gtin text not null,
        serial text,
        result jsonb not null,
        anchor_entry text not null,
        created_at timestamptz not null default now()
      );
    `,
  },
  {
    id: 'drug-trace-0004-alert-dedup',
    sql: `
      -- One alert per (rule, subject) in a window: a repeat raises the count instead of another alert.
      alter table alerts add column subject text, add column count integer not null default 1,
        add column last_seen_at timestamptz;
      create index alerts_rule_subject on alerts (rule, subject, created_at);
    `,
  },
  {
    id: 'drug-trace-0005-quantities',
    sql: `
      -- Class-level amounts (quantityList, childQuantityList): what a case or pallet holds besides serial packs,
      -- and per event the amounts it named (container null) or concerned through a case/pallet it named.
      alter table containers add column quantities jsonb not null default '[]';
      create table event_quantities (
        event_seq bigint not null references epcis_events (seq),
        epc_class text not null,
        uom text,
        quantity numeric,
        container text
      );
      create index event_quantities_event on event_quantities (event_seq);
      create index event_quantities_class on event_quantities (epc_class, event_seq);
    `,
  },
  {
    id: 'drug-trace-0006-units-per-pack',
    sql: `
      -- Regulated units in one pack, when the manufacturer gave it (published to billing with the product).
      alter table products add column units_per_pack integer check (units_per_pack > 0);
    `,
  },
];
