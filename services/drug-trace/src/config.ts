import { loadConfig } from '@uhr/platform';
import { z } from 'zod';

/** The drug-trace service's configuration, validated at boot (fails fast naming the variable at fault). */
export function drugTraceConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig({
    service: 'drug-trace',
    env,
    extra: {
      /** How often captured-event and verify-outcome hashes are cut into a Merkle batch for Anchors. */
      anchorIntervalMs: z.coerce.number().int().min(50).max(60_000),
      anchorMaxBatch: z.coerce.number().int().min(1).max(65_536),
      /** Largest EPCIS document accepted, in events (the body limit bounds its bytes). */
      captureMaxEvents: z.coerce.number().int().min(1).max(100_000),
      /** Implied speed between two scans of one pack above which impossible travel is alerted (km/h). */
      maxTravelKmh: z.coerce.number().positive(),
      /** Unknown serials from one location within the window that make a serial-guessing alert. */
      guessingThreshold: z.coerce.number().int().min(1),
      guessingWindowMs: z.coerce.number().int().min(1000),
      /** One patient dispensed one scheduled substance at this many pharmacies within the window: an alert. */
      abusePharmacies: z.coerce.number().int().min(2),
      abuseWindowMs: z.coerce.number().int().min(60_000),
      /** How often active packs past their expiry date are made `expired`. */
      expirySweepMs: z.coerce.number().int().min(1000),
      /** How long an alert counts repeats of its rule and subject instead of raising another (ms). */
      alertWindowMs: z.coerce.number().int().min(1000),
    },
    extraEnv: {
      anchorIntervalMs: 'UHR_DRUG_TRACE_ANCHOR_INTERVAL_MS',
      anchorMaxBatch: 'UHR_DRUG_TRACE_ANCHOR_MAX_BATCH',
      captureMaxEvents: 'UHR_DRUG_TRACE_CAPTURE_MAX_EVENTS',
      maxTravelKmh: 'UHR_DRUG_TRACE_MAX_TRAVEL_KMH',
      guessingThreshold: 'UHR_DRUG_TRACE_GUESSING_THRESHOLD',
      guessingWindowMs: 'UHR_DRUG_TRACE_GUESSING_WINDOW_MS',
      abusePharmacies: 'UHR_DRUG_TRACE_ABUSE_PHARMACIES',
      abuseWindowMs: 'UHR_DRUG_TRACE_ABUSE_WINDOW_MS',
      expirySweepMs: 'UHR_DRUG_TRACE_EXPIRY_SWEEP_MS',
      alertWindowMs: 'UHR_DRUG_TRACE_ALERT_WINDOW_MS',
    },
    defaults: {
      port: env.UHR_DRUG_TRACE_PORT ?? '3005',
      database: 'uhr_drug_trace',
      anchorIntervalMs: '500',
      anchorMaxBatch: '4096',
      captureMaxEvents: '10000',
      maxTravelKmh: '900',
      guessingThreshold: '20',
      guessingWindowMs: '600000',
      abusePharmacies: '3',
      abuseWindowMs: String(30 * 24 * 3600 * 1000),
      expirySweepMs: String(3600 * 1000),
      alertWindowMs: String(24 * 3600 * 1000),
    },
    // Only with UHR_STACK=local; a deployment injects the signer from its secret store or the boot fails.
    localSecrets: {
      // anvil's account 5 (0x9965…A4dc): ANCHORER on Anchors in a local deployment.
      chainSignerKey: '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
    },
  });
}
export type DrugTraceConfig = ReturnType<typeof drugTraceConfig>;
