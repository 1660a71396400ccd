import type { Migration } from '@uhr/platform';

export const identityMigrations: Migration[] = [
  {
    id: 'registrar-0001-identities',
    sql: `
      create table identities (
        id uuid primary key,
        kind text not null,
        identifier_system text not null,
        identity_hash text not null,
        address text not null,
        subject text,
        status text not null,
        chain_status text not null,
        chain_operation text,
        chain_tx_hash text,
        chain_block bigint,
        chain_error text,
        version integer not null,
        registered_by text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      -- One active identity per identity string and per address: the API answers 409 on a duplicate.
      create unique index identities_active_hash on identities (identity_hash) where status = 'active';
      create unique index identities_active_address on identities (address) where status = 'active';
      create index identities_subject on identities (subject);
    `,
  },
  {
    // The public name of a provider or third party (never a patient), searched by patients choosing whom to share with.
    id: 'registrar-0002-display-name',
    sql: `
      alter table identities add column display_name text;
      create index identities_directory on identities (kind)
        where display_name is not null and kind <> 'patient' and status = 'active';
    `,
  },
];
