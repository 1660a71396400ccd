import { Inject, Injectable } from '@nestjs/common';
import { EventStore, topicOf, type EventContext, type StreamAnchorer } from '@uhr/platform';
import { DataSource } from 'typeorm';
import { FACT_ANCHORER } from '../shared/tokens.js';
import type { Organ } from './domain/organ.js';

export const DONATION_TOPIC = topicOf('organ-registry', 'donation', 1);

export interface BlobPointer {
  key: string;
  sha256: string;
}

export interface DonorRecord {
  id: string;
  kind: 'deceased' | 'living';
  identityBlob: BlobPointer;
  consentBlob: BlobPointer;
  /** 0x Keccak-256 of the anchored fact (donor id + consent document hash). */
  consentHash: string;
}

/** What anyone but the organ bank may know of a donor: the opaque id, the kind and the anchored consent. */
export interface DonorView {
  id: string;
  kind: string;
  consentHash: string;
  anchorEntryId: string;
  registeredAt: string;
}

/** The only door to donors' and organs' storage (identity and consent stay in the blob store, encrypted). */
@Injectable()
export class DonationRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
    @Inject(FACT_ANCHORER) private readonly anchorer: StreamAnchorer,
  ) {}

  /** The donor row, its DonorRegistered event and its consent hash queued for anchoring: one transaction. */
  async registerDonor(d: DonorRecord, ctx: EventContext): Promise<void> {
    await this.ds.transaction(async (m) => {
      const [entryId] = await this.anchorer.append(m, [d.consentHash]);
      await m.query(
        `insert into donors (id, kind, identity_blob, consent_blob, consent_hash, anchor_entry_id, registered_by, registered_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [d.id, d.kind, d.identityBlob, d.consentBlob, d.consentHash, entryId, ctx.actor, ctx.occurredAt],
      );
      const payload = { donorId: d.id, kind: d.kind, consentHash: d.consentHash };
      await this.events.append(
        m,
        `donor-${d.id}`,
        0,
        [{ type: 'organ-registry.DonorRegistered', version: 1, payload }],
        ctx,
        DONATION_TOPIC,
      );
    });
  }

  async donor(id: string): Promise<(DonorView & { identityBlob: BlobPointer; consentBlob: BlobPointer }) | undefined> {
    const rows: {
      id: string;
      kind: string;
      consent_hash: string;
      anchor_entry_id: string;
      registered_at: Date;
      identity_blob: BlobPointer;
      consent_blob: BlobPointer;
    }[] = await this.ds.query(
      `select id, kind, consent_hash, anchor_entry_id, registered_at, identity_blob, consent_blob from donors where id = $1`,
      [id],
    );
    const r = rows[0];
    return (
      r && {
        id: r.id,
        kind: r.kind,
        consentHash: r.consent_hash,
        anchorEntryId: r.anchor_entry_id,
        registeredAt: r.registered_at.toISOString(),
        identityBlob: r.identity_blob,
        consentBlob: r.consent_blob,
      }
    );
  }

  async recordOrgan(o: Organ, ctx: EventContext): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(
        `insert into organs (id, donor_id, type, data, recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6)`,
        [o.id, o.donorId, o.type, o, ctx.actor, ctx.occurredAt],
      );
      const payload = { organ: o };
      await this.events.append(
        m,
        `organ-${o.id}`,
        0,
        [{ type: 'organ-registry.OrganRecorded', version: 1, payload }],
        ctx,
        DONATION_TOPIC,
      );
    });
  }

  async recordArrival(o: Organ, arrivedAt: number, ctx: EventContext): Promise<void> {
    await this.ds.transaction(async (m) => {
      const n = (await this.events.load(`organ-${o.id}`, m)).length;
      await m.query(`update organs set data = data || jsonb_build_object('arrivedAt', $2::bigint) where id = $1`, [
        o.id,
        arrivedAt,
      ]);
      const payload = { organId: o.id, arrivedAt: new Date(arrivedAt).toISOString() };
      await this.events.append(
        m,
        `organ-${o.id}`,
        n,
        [{ type: 'organ-registry.OrganArrived', version: 1, payload }],
        ctx,
        DONATION_TOPIC,
      );
    });
  }

  async organ(id: string): Promise<Organ | undefined> {
    const rows: { data: Organ }[] = await this.ds.query('select data from organs where id = $1', [id]);
    return rows[0]?.data;
  }
}
