import type { Migration } from '@uhr/platform';

export const auditMigrations: Migration[] = [
  {
    id: 'records-0002-audit',
    sql: `
      create table audit_entries (
        position bigserial primary key,
        id uuid not null unique,
        recorded_at timestamptz not null,
        record_id uuid not null,
        patient_subject text,
        reader_subject text not null,
        outcome text not null,
        reason text,
        grant_id text,
        -- The AuditEvent JSON exactly as hashed: its keccak256 is the Merkle leaf's data hash.
        audit_json text not null,
        data_hash text not null,
        anchor_seq bigint unique,
        batch_id bigint
      );
      create index audit_patient on audit_entries (patient_subject, position desc);
      create index audit_record on audit_entries (record_id, position desc);
      create index audit_unanchored on audit_entries (position) where anchor_seq is null;
      create table audit_batches (
        id bigserial primary key,
        stream text not null,
        batch_index bigint not null,
        first_seq bigint not null,
        last_seq bigint not null,
        root text not null,
        status text not null default 'pending',
        tx_hash text,
        block_number bigint,
        error text,
        created_at timestamptz not null default now()
      );
      -- A signed read request is good for one read: (signer, nonce) is remembered until long after expiry.
      create table read_nonces (
        signer text not null,
        nonce text not null,
        expires_at timestamptz not null,
        primary key (signer, nonce)
      );
    `,
  },
  {
    // Issue 15 item 2: a limited grant's use, one per signed request (signer, nonce), settled with its audit entry.
    id: 'records-0007-grant-uses',
    sql: `
      create table grant_uses (
        signer text not null,
        nonce text not null,
        record_id uuid not null,
        grant_id text not null,
        job_key text not null unique,
        outcome text check (outcome in ('allowed', 'denied')),
        reason text,
        audit_id uuid,
        created_at timestamptz not null default now(),
        settled_at timestamptz,
        primary key (signer, nonce)
      );
    `,
  },
  {
    // A patient's concern about one access (the portal's "Report a concern"), for the auditors; one per access.
    id: 'records-0010-access-concerns',
    sql: `
      create table access_concerns (
        audit_id uuid primary key references audit_entries (id),
        record_id uuid not null,
        patient_subject text not null,
        reader_subject text not null,
        message text not null,
        raised_at timestamptz not null,
        position bigserial not null unique
      );
    `,
  },
];
