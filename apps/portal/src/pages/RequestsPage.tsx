import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../lib/session';
import { useOnNotification } from '../lib/live';
import { CATEGORY_NAMES, formatDate, Page, PURPOSES, Status } from '../lib/page';
import { signTyped, type TypedData } from '../lib/signing';
import { NeedKey } from '../lib/need-key';

interface AccessRequest {
  id: string;
  requesterId: string;
  purpose: string;
  recordIds: string[];
  categories: string[];
  status: string;
  createdAt: string;
}

/** Requests from third parties to see records: approve (a signed share naming the request) or deny. */
export function RequestsPage() {
  const s = useSession();
  const [requests, setRequests] = useState<AccessRequest[] | null>(null);
  const [status, setStatus] = useState('');
  const load = useCallback(() => {
    s.api<AccessRequest[]>('consent', 'GET', '/access-requests')
      .then(setRequests)
      .catch(() => setRequests([]));
  }, [s]);
  useEffect(load, [load]);
  useOnNotification(load);
  const approve = async (r: AccessRequest) => {
    if (!s.wallet) return;
    setStatus('Approving…');
    try {
      const now = Math.floor(Date.now() / 1000);
      const terms = {
        patientId: (await s.api<{ id: string }>('registrar', 'GET', '/identities/me')).id,
        granteeId: r.requesterId,
        recordIds: r.recordIds,
        categories: r.categories,
        purpose: r.purpose,
        validFrom: now - 5,
        validUntil: now + 30 * 86400,
        maxUses: 0,
      };
      const prep = await s.api<{ grantId: string; nonce: string; deadline: string; toSign: TypedData }>(
        'consent',
        'POST',
        '/grants/prepare',
        terms,
      );
      await s.api('consent', 'POST', '/grants', {
        ...terms,
        accessRequestId: r.id,
        grantId: prep.grantId,
        nonce: prep.nonce,
        deadline: prep.deadline,
        signature: await signTyped(s.wallet, prep.toSign),
      });
      setStatus('Approved. They can see it for 30 days.');
      load();
    } catch (e) {
      setStatus(`That did not work: ${(e as Error).message}`);
    }
  };
  const deny = async (r: AccessRequest) => {
    setStatus('Saying no…');
    try {
      await s.api('consent', 'POST', `/access-requests/${r.id}/deny`, {});
      setStatus('You said no. We have told them.');
      load();
    } catch (e) {
      setStatus(`That did not work: ${(e as Error).message}`);
    }
  };
  const open = (requests ?? []).filter(
    (r) => r.status === 'pending' || r.status === 'open' || r.status === 'requested',
  );
  return (
    <Page title="Requests to see your records">
      <NeedKey action="approve a request" />
      <Status>{status}</Status>
      {requests && open.length === 0 && (
        <p>
          Nobody is asking to see your records. <Link to="/shares">See who can see them</Link>
        </p>
      )}
      {open.map((r) => (
        <section key={r.id} className="card" aria-labelledby={`req-${r.id}`}>
          <h2 id={`req-${r.id}`}>Request from {r.requesterId.slice(0, 8)}</h2>
          <p>
            Asked on {formatDate(r.createdAt)}, {PURPOSES[r.purpose]?.toLowerCase() ?? r.purpose}.
          </p>
          <p>
            They want:{' '}
            {r.recordIds.length
              ? `${r.recordIds.length} record(s)`
              : r.categories.map((c) => CATEGORY_NAMES[c] ?? c).join(', ')}
          </p>
          <div className="button-row">
            <button className="button" type="button" disabled={!s.wallet} onClick={() => void approve(r)}>
              Let them see it for 30 days
            </button>
            <button className="button warning" type="button" onClick={() => void deny(r)}>
              Say no
            </button>
          </div>
        </section>
      ))}
    </Page>
  );
}
