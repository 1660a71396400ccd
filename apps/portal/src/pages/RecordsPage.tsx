import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../lib/session';
import { useOnNotification } from '../lib/live';
import { CATEGORY_NAMES, formatDate, Page, Status } from '../lib/page';

export interface RecordView {
  id: string;
  patientId: string;
  providerId: string;
  category: string;
  title: string | null;
  kind: string;
  resourceType: string;
  contentType: string;
  size: number;
  status: string;
  chain: { anchorTxHash: string | null; batchRoot: string | null; error: string | null };
  createdAt: string;
  updatedAt: string;
}

export const STATUS_TEXT: Record<string, string> = {
  anchoring: 'Being added',
  pending: 'Waiting for your review',
  responding: 'Saving your answer',
  accepted: 'In your record',
  rejected: 'You said this is not yours',
  'anchor-rejected': 'Could not be added',
};

export const titleOf = (r: RecordView) => r.title || CATEGORY_NAMES[r.category] || 'Health record';

/** My records: newest first, only the patient's own; the ones to review stand out. */
export function RecordsPage() {
  const s = useSession();
  const [records, setRecords] = useState<RecordView[] | null>(null);
  const [error, setError] = useState('');
  const load = useCallback(() => {
    s.api<RecordView[]>('records', 'GET', '/records?limit=200')
      .then((rs) => setRecords(rs.filter((r) => r.status !== 'anchoring' && r.status !== 'anchor-rejected')))
      .catch((e: Error) => setError(e.message));
  }, [s]);
  useEffect(load, [load]);
  useOnNotification(load);
  const sorted = [...(records ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const waiting = sorted.filter((r) => r.status === 'pending').length;
  return (
    <Page title="My records">
      <Status>
        {records &&
          (waiting ? `${waiting} new ${waiting === 1 ? 'record is' : 'records are'} waiting for your review` : '')}
      </Status>
      {error && <p className="error-text">We could not load your records: {error}</p>}
      {records && sorted.length === 0 && (
        <p>You have no records yet. When a doctor, hospital or lab adds one, it appears here and we tell you.</p>
      )}
      {sorted.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Your records, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Kind</th>
              <th scope="col">Added</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.id} className={r.status === 'pending' ? 'to-review' : undefined}>
                <td>
                  <Link to={`/records/${r.id}`}>{titleOf(r)}</Link>
                </td>
                <td>{CATEGORY_NAMES[r.category] ?? r.category}</td>
                <td>{formatDate(r.createdAt)}</td>
                <td>
                  {r.status === 'pending' ? (
                    <strong className="tag tag-review">{STATUS_TEXT.pending}</strong>
                  ) : (
                    (STATUS_TEXT[r.status] ?? r.status)
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
