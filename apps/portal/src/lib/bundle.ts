import type { RecordView } from '../pages/RecordsPage';
import type { AccessEntry } from '../pages/AccessLogPage';
import type { ReadResult } from './content';

/** The "download all my data" file: a FHIR R4 collection Bundle (Patient, records, Consent, AuditEvent). */
export function bundleOf(input: {
  patientId: string;
  name: string;
  contents: Array<{ record: RecordView; read?: ReadResult }>;
  consents: Array<Record<string, unknown>>;
  log: AccessEntry[];
}) {
  const patient = { resourceType: 'Patient', id: input.patientId, name: [{ text: input.name }] };
  const records = input.contents.map(
    ({ record, read }) =>
      read?.resource ??
      read?.documentReference ?? {
        resourceType: 'DocumentReference',
        id: record.id,
        status: 'current',
        description: record.title ?? record.category,
        subject: { reference: `Patient/${input.patientId}` },
        date: record.createdAt,
      },
  );
  const entries = [patient, ...records, ...input.consents, ...input.log.map((e) => e.auditEvent)];
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: entries.map((resource) => ({ resource })),
  };
}
