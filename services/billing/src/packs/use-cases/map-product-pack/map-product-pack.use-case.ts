import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type EventEnvelope } from '@uhr/platform';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { decidePackFromProduct, packText, type RegisteredProduct } from '../../domain/pack-from-product.js';
import { PackMappingRepository } from '../../pack-mapping.repository.js';

/** drug-trace.ProductRegistered v1 as billing reads it; anything else in the payload is not billing's concern. */
function productOf(env: EventEnvelope): RegisteredProduct | undefined {
  const p = env.payload as Record<string, unknown> | null;
  if (env.version !== 1 || !p || typeof p.gtin !== 'string') return undefined;
  return {
    gtin: p.gtin,
    nationalCode: typeof p.nationalCode === 'string' ? p.nationalCode : null,
    unitsPerPack: typeof p.unitsPerPack === 'number' ? p.unitsPerPack : null,
  };
}

/**
 * A product drug-trace registered becomes a pack mapping (GTIN → entry × units), in the consumer's transaction.
 * A conflict never fails the consumer (it would block the partition): it is logged and kept in a row.
 */
@Injectable()
export class MapProductPackUseCase {
  constructor(
    private readonly packs: PackMappingRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(env: EventEnvelope, m: EntityManager): Promise<void> {
    const product = productOf(env);
    if (!product) {
      this.logger.warn({ eventId: env.id, version: env.version }, 'product event not understood; ignored');
      return;
    }
    // Twice at most: an import may map the GTIN between reading the facts and inserting.
    for (let attempt = 0; attempt < 2; attempt++) {
      const facts = await this.packs.facts(m, product.gtin, product.nationalCode ?? '');
      const d = decidePackFromProduct(product, facts);
      switch (d.kind) {
        case 'PackMapped':
          if (await this.packs.insertFromDrugTrace(m, d.gtin, d.code, d.unitsPerPack, env.id)) return;
          continue;
        case 'AlreadyMapped':
          return;
        case 'PackConflicted':
          await this.packs.recordConflict(m, env.id, d.gtin, d.code, d.unitsPerPack, d.mapped);
          this.logger.warn(
            {
              gtin: d.gtin,
              drugTrace: packText(d.code, d.unitsPerPack),
              mapped: packText(d.mapped.code, d.mapped.unitsPerPack),
              mappedBy: d.mapped.source,
            },
            'pack mapping conflict: the first mapping is kept',
          );
          return;
        case 'Ignored':
          this.logger.debug({ gtin: d.gtin, reason: d.reason }, 'product not mapped to a pack');
          return;
      }
    }
  }
}
