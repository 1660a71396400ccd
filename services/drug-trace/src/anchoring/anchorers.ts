import type { Provider } from '@nestjs/common';
import {
  anchorStreamId,
  ChainWriter,
  contractAddress,
  DEPLOYMENT,
  LOGGER,
  StreamAnchorer,
  type Deployment,
} from '@uhr/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { DrugTraceConfig } from '../config.js';

/** Captured EPCIS events: leaf data = the SHA-256 of the CBV 2.0 event hash. */
export const EVENTS_ANCHORER = Symbol('EVENTS_ANCHORER');
/** Verify and decommission outcomes: leaf data = keccak256 of the outcome's canonical JSON. */
export const OUTCOMES_ANCHORER = Symbol('OUTCOMES_ANCHORER');

function anchorer(token: symbol, name: string, purpose: string, config: DrugTraceConfig, workers: boolean): Provider {
  return {
    provide: token,
    inject: [DataSource, ChainWriter, DEPLOYMENT, LOGGER],
    useFactory: (ds: DataSource, writer: ChainWriter, d: Deployment, logger: Logger) =>
      new StreamAnchorer(
        {
          name,
          stream: anchorStreamId(purpose, config.database),
          anchorsAddress: contractAddress(d, 'Anchors'),
          intervalMs: config.anchorIntervalMs,
          maxBatch: config.anchorMaxBatch,
          workers,
        },
        ds,
        writer,
        logger,
      ),
  };
}

export const anchorerProviders = (config: DrugTraceConfig, workers: boolean): Provider[] => [
  anchorer(EVENTS_ANCHORER, 'drug-trace.events', 'uhr.drug-trace.events', config, workers),
  anchorer(OUTCOMES_ANCHORER, 'drug-trace.outcomes', 'uhr.drug-trace.outcomes', config, workers),
];
