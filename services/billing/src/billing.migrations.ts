import type { Migration } from '@uhr/platform';

/**
 * Money is NUMERIC, never float: ceilings to 5 decimals (NPPA prices some units to 0.17935), billed amounts to
 * the minor unit of their currency (at most 3 decimals). Published schedules and issued invoices are immutable
 * by trigger, not only by convention.
 */
export const billingMigrations: Migration[] = [
  {
    id: 'billing-0001-schedules',
    sql: `
      create extension if not exists btree_gist;

      create table schedule_versions (
        id uuid primary key,
        regulator text not null,
        instrument text not null,
        time_zone text not null,
        currency text not null,
        -- [from, to) in the regulator's zone, as published (hashed); to = null: until superseded.
        effective daterange not null,
        recovery_interest_rate numeric(7,4) not null,
        supersedes uuid references schedule_versions (id),
        entries_root text not null,
        version_hash text not null,
        entry_count int not null,
        -- The publication's content hash: the same file (and header) published twice is the same version.
        source_hash text not null unique,
        anchor_entry_id text not null,
        published_at timestamptz not null default now()
      );

      create table schedule_entries (
        version_id uuid not null references schedule_versions (id),
        code text not null,
        leaf_index int not null,
        description text not null,
        unit text not null,
        ceiling_per_unit numeric(18,5) not null check (ceiling_per_unit > 0),
        tax_inclusive boolean not null,
        tax_rate numeric(6,3) not null check (tax_rate >= 0 and tax_rate <= 100),
        regime text not null check (regime in ('HARD_CAP', 'REFERENCE_PRICE')),
        device_details_required boolean not null,
        -- When the entry applies: the version's period, cut short by a version that supersedes it.
        in_force daterange not null,
        primary key (version_id, code),
        -- One price per item per day: no two versions may be in force for one code on the same date.
        constraint schedule_entries_no_overlap exclude using gist (code with =, in_force with &&)
      );
      -- Pricing reads every version of a code (the exclusion's GiST index serves it less well than a btree).
      create index schedule_entries_by_code on schedule_entries (code);

      create table pack_mappings (
        gtin text primary key,
        code text not null,
        units_per_pack numeric(18,5) not null check (units_per_pack > 0),
        version_id uuid not null references schedule_versions (id)
      );

      create function billing_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception '% is immutable once published', tg_table_name using errcode = 'P0001';
      end $$;
      create trigger schedule_versions_immutable before update or delete on schedule_versions
        for each row execute function billing_refuse_change();
      create trigger pack_mappings_immutable before update or delete on pack_mappings
        for each row execute function billing_refuse_change();

      -- An entry's content never changes; a superseding version may only end its in_force earlier.
      create function billing_entry_narrow_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' or (to_jsonb(new) - 'in_force') <> (to_jsonb(old) - 'in_force')
           or lower(new.in_force) <> lower(old.in_force) or not (old.in_force @> new.in_force) then
          raise exception 'schedule entries are immutable (a superseding version only narrows in_force)'
            using errcode = 'P0001';
        end if;
        return new;
      end $$;
      create trigger schedule_entries_narrow_only before update or delete on schedule_entries
        for each row execute function billing_entry_narrow_only();
    `,
  },
  {
    id: 'billing-0002-invoices',
    sql: `
      create table invoices (
        id uuid primary key,
        kind text not null check (kind in ('INVOICE', 'CREDIT_NOTE')),
        status text not null check (status in ('DRAFT', 'ISSUED')),
        provider_subject text not null,
        patient_id uuid not null,
        category text not null,
        currency text not null,
        invoiced_at timestamptz not null,
        -- The lines as written (amounts as strings) and their verdicts at the last validation.
        lines jsonb not null,
        verdicts jsonb,
        total_net numeric(20,3),
        total_tax numeric(20,3),
        total_gross numeric(20,3),
        total_excess numeric(20,3),
        -- A credit note: the invoice it corrects.
        credits uuid references invoices (id),
        salt text,
        invoice_hash text,
        canonical text,
        anchor_entry_id text,
        issued_at timestamptz,
        created_at timestamptz not null default now(),
        check (status = 'DRAFT' or (salt is not null and invoice_hash is not null and anchor_entry_id is not null))
      );
      create index invoices_by_provider on invoices (provider_subject, created_at desc);
      create index invoices_by_patient on invoices (patient_id, created_at desc);
      create index invoices_issued_month on invoices (provider_subject, issued_at) where status = 'ISSUED';
      -- One credit note per flagged invoice: a second flag finds the first refund.
      create unique index credit_note_once on invoices (credits) where kind = 'CREDIT_NOTE';

      create function billing_issued_frozen() returns trigger language plpgsql as $$
      begin
        if old.status = 'ISSUED' then
          raise exception 'invoice % is issued: corrections are credit notes', old.id using errcode = 'P0001';
        end if;
        return coalesce(new, old);
      end $$;
      create trigger invoices_issued_frozen before update or delete on invoices
        for each row execute function billing_issued_frozen();

      create table overcharge_flags (
        invoice_id uuid primary key references invoices (id),
        flagged_by text not null,
        reason text not null,
        excess numeric(20,3) not null,
        interest numeric(20,3) not null,
        credit_note_id uuid not null references invoices (id),
        created_at timestamptz not null default now()
      );
    `,
  },
  {
    id: 'billing-0003-claims',
    sql: `
      create table claims (
        id uuid primary key,
        invoice_id uuid not null references invoices (id),
        insurer_subject text not null,
        -- The Consent grant the adjudication relied on, as the chain named it.
        grant_id text not null,
        response jsonb not null,
        created_at timestamptz not null default now(),
        unique (invoice_id, insurer_subject)
      );
    `,
  },
  {
    id: 'billing-0004-pack-sources',
    sql: `
      -- A pack mapping comes from a schedule import (its version) or from drug-trace's product master data (the
      -- ProductRegistered event). Mappings stay immutable: the first one for a GTIN is kept.
      alter table pack_mappings alter column version_id drop not null,
        add column source text not null default 'import' check (source in ('import', 'drug-trace')),
        add column source_event_id uuid,
        add constraint pack_mappings_source_ref check (
          (source = 'import' and version_id is not null and source_event_id is null)
          or (source = 'drug-trace' and version_id is null and source_event_id is not null));

      -- A product whose pack drug-trace says is other than what the GTIN is already mapped to: kept for review.
      create table pack_mapping_conflicts (
        event_id uuid primary key,
        gtin text not null,
        code text not null,
        units_per_pack numeric(18,5) not null,
        mapped_code text not null,
        mapped_units_per_pack numeric(18,5) not null,
        mapped_source text not null,
        recorded_at timestamptz not null default now()
      );
      create index pack_mapping_conflicts_gtin on pack_mapping_conflicts (gtin);
    `,
  },
];
