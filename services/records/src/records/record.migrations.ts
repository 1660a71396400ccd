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
];
