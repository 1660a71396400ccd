import { useState } from 'react';
import { useSession } from '../lib/session';
import { signedReadBody } from '../lib/signing';
import { NeedKey } from '../lib/need-key';
import { Page, Status } from '../lib/page';
import { downloadBytes, type ReadResult } from '../lib/content';
import { useStepUp } from '../lib/step-up';
import type { RecordView } from './RecordsPage';
import type { AccessEntry } from './AccessLogPage';
import { bundleOf } from '../lib/bundle';

/** Download all my data: one file with me, my records, my shares and who looked (a FHIR R4 Bundle). */
export function DownloadPage() {
  const s = useSession();
  const stepUp = useStepUp();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!s.wallet) return;
    setBusy(true);
    try {
      await stepUp.ensure();
      setStatus('Collecting your data…');
      const me = await s.api<{ id: string }>('registrar', 'GET', '/identities/me');
      const records = (await s.api<RecordView[]>('records', 'GET', '/records?limit=500')).filter(
        (r) => r.patientId === me.id,
      );
      const contents: Array<{ record: RecordView; read?: ReadResult }> = [];
      for (const record of records) {
        const read = ['accepted', 'pending', 'rejected'].includes(record.status)
          ? await s
              .api<ReadResult>(
                'records',
                'POST',
                `/records/${record.id}/read`,
                await signedReadBody(s.token, s.wallet, record.id, 'patient-access'),
              )
              .catch(() => undefined)
          : undefined;
        contents.push({ record, read });
      }
      const grants = await s.api<Array<{ id: string }>>('consent', 'GET', '/grants?limit=500');
      const consents = await Promise.all(
        grants.map((g) => s.api<Record<string, unknown>>('consent', 'GET', `/grants/${g.id}/fhir`).catch(() => null)),
      );
      const log = await s.api<AccessEntry[]>('records', 'GET', '/access-log?limit=1000');
      const bundle = bundleOf({
        patientId: me.id,
        name: s.name,
        contents,
        consents: consents.filter((c) => c !== null),
        log,
      });
      downloadBytes(
        new TextEncoder().encode(JSON.stringify(bundle, null, 2)),
        'application/fhir+json',
        `my-health-records-${new Date().toISOString().slice(0, 10)}.json`,
      );
      setStatus(
        `Your file is ready: ${records.length} records, ${grants.length} shares and ${log.length} access entries.`,
      );
    } catch (e) {
      setStatus(`That did not work: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title="Download all my data">
      <p>
        One file with everything we hold about you: your details, your records, who you share with and who has looked at
        your records.
      </p>
      <p>It is in a standard format that other health apps and your doctor’s systems can read.</p>
      <NeedKey action="download your data" />
      <Status>{status}</Status>
      <button className="button" type="button" disabled={busy || !s.wallet} onClick={() => void run()}>
        Download my data
      </button>
    </Page>
  );
}
