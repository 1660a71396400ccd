import type { Migration } from '@uhr/platform';

export const grantMigrations: Migration[] = [
  {
    id: 'consent-0001-grants',
    sql: `
      create table grants (
        id uuid primary key,
        chain_id text not null,
        patient_id uuid not null,
        patient_subject text not null,
        grantee_id uuid not null,
        grantee_subject text not null,
        grantee_address text not null,
        record_ids jsonb not null,
        categories jsonb not null,
        purpose text not null,
        valid_from bigint not null,
        valid_until bigint not null,
        max_uses integer not null,
        access_request_id uuid,
        emergency boolean not null default false,
        status text not null,
        issue_tx_hash text,
        revoke_tx_hash text,
        chain_error text,
        version integer not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create index grants_patient on grants (patient_subject, created_at desc);
      create index grants_grantee on grants (grantee_subject, created_at desc);
      create index grants_expiring on grants (valid_until) where status in ('active', 'revoking');
      create table access_requests (
        id uuid primary key,
        patient_id uuid not null,
        patient_subject text not null,
        requester_id uuid not null,
        requester_subject text not null,
        purpose text not null,
        record_ids jsonb not null,
        categories jsonb not null,
        status text not null,
        grant_id uuid,
        reason text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create index access_requests_patient on access_requests (patient_subject, created_at desc);
      create index access_requests_requester on access_requests (requester_subject, created_at desc);
      create table break_glass (
        id uuid primary key,
        patient_id uuid not null,
        patient_subject text not null,
        provider_id uuid not null,
        provider_subject text not null,
        reason_code text not null,
        reason text not null,
        duration_seconds bigint not null,
        status text not null,
        chain_grant_id text,
        valid_until bigint,
        tx_hash text,
        chain_error text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create index break_glass_patient on break_glass (patient_subject, created_at desc);
    `,
  },
  {
    id: 'consent-0002-relationship-endings',
    sql: `
      create table relationship_endings (
        id uuid primary key,
        patient_id uuid not null,
        provider_id uuid not null,
        patient_subject text not null,
        provider_subject text,
        status text not null,
        tx_hash text,
        error text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
    `,
  },
  {
    id: 'consent-0003-grant-nonces',
    sql: `alter table grants add column last_nonce numeric;`,
  },
  {
    // Signatures carry random, unordered nonces (ADR 0008): nothing to track per patient any more.
    id: 'consent-0005-drop-grant-nonces',
    sql: `alter table grants drop column if exists last_nonce;`,
  },
];
