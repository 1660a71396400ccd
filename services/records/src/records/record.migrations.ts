import type { Migration } from '@uhr/platform';

export const recordMigrations: Migration[] = [
  {
    id: 'records-0001-records',
    sql: `
      create table records (
        id uuid primary key,
        patient_id uuid not null,
        provider_id uuid not null,
        patient_subject text not null,
        provider_subject text not null,
        category text not null,
        title text not null,
        kind text not null,
        resource_type text not null,
        content_type text not null,
        blob_key text not null,
        content_hash text not null,
        pointer_hash text not null,
        size integer not null,
        status text not null,
        anchor_tx_hash text,
        response_tx_hash text,
        chain_error text,
        version integer not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create index records_patient on records (patient_subject, created_at desc);
      create index records_provider on records (provider_subject, created_at desc);
      create index records_provider_anchoring on records (provider_id) where status = 'anchoring';
    `,
  },
  {
    id: 'records-0003-anchor-nonce',
    sql: `alter table records add column anchor_nonce numeric;`,
  },
  {
    // Records are anchored in Merkle batches (ADR 0008): each row keeps the leaf's authorisation and, once cut
    // into a batch, its root and inclusion proof, so the gatekeeper proves a row against an anchored root alone.
    id: 'records-0004-merkle-batches',
    sql: `
      drop index if exists records_provider_anchoring;
      alter table records drop column if exists anchor_nonce;
      alter table records
        add column anchor_auth_hash text,
        add column anchor_root text,
        add column anchor_proof text,
        add column response_accept boolean,
        add column response_auth_hash text,
        add column response_root text,
        add column response_proof text;
      create index records_to_anchor on records (created_at) where status = 'anchoring' and anchor_root is null;
      create index records_to_answer on records (updated_at) where status = 'responding' and response_root is null;
      create index records_anchor_root on records (anchor_root) where anchor_root is not null;
      create index records_response_root on records (response_root) where response_root is not null;
      create table record_batches (
        root text primary key,
        leaf_count integer not null,
        records integer not null,
        responses integer not null,
        status text not null,
        tx_hash text,
        error text,
        created_at timestamptz not null default now(),
        settled_at timestamptz
      );
    `,
  },
  {
    // ADR 0012: new records commit to their salted plaintext (scheme 2); the stored bytes' sha256 moves to its own
    // column (checked before decrypting, no longer the anchored value). Earlier rows keep scheme 1.
    id: 'records-0005-content-scheme',
    sql: `
      alter table records
        add column content_scheme smallint not null default 1 check (content_scheme in (1, 2)),
        add column blob_sha256 text;
      update records set blob_sha256 = substring(content_hash from 3) where blob_sha256 is null;
      alter table records alter column blob_sha256 set not null;
    `,
  },
  {
    // Issue 15 item 9: titles are sealed (record-titles.ts). Rows from before keep theirs in clear until rewritten.
    id: 'records-0006-sealed-titles',
    sql: `
      alter table records add column title_sealed text, alter column title drop not null;
    `,
  },
  {
    // The orphan-pack sweeper asks "does any record live in this pack?" by key prefix.
    id: 'records-0008-blob-key-prefix',
    sql: `create index if not exists records_blob_key on records (blob_key text_pattern_ops);`,
  },
];
