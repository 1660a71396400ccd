import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../lib/session';
import { signTyped, type TypedData } from '../lib/signing';
import { NeedKey } from '../lib/need-key';
import { formatDate, formatDay, Page, PURPOSES, Status } from '../lib/page';
import type { RecordView } from './RecordsPage';
import { describeWhat } from './SharePage';
import { useStepUp } from '../lib/step-up';

export interface GrantView {
  id: string;
  chainId: string;
  patientId: string;
  granteeId: string;
  scope: { recordIds: string[]; categories: string[] };
  purpose: string;
  validFrom: number;
  validUntil: number;
  maxUses: number;
  status: string;
  createdAt: string;
}
interface AccessEntry {
  recordedAt: string;
  grantId: string | null;
  outcome: string;
}

const STATUS: Record<string, string> = {
  requested: 'Starting',
  active: 'Active',
  revoking: 'Stopping',
  revoked: 'Stopped',
  expired: 'Ended',
  rejected: 'Did not start',
};

/** Who can see my records: each share, until when, one-time uses; Stop sharing with a dialog naming the loss. */
export function SharesPage() {
  const s = useSession();
  const stepUp = useStepUp();
  const [grants, setGrants] = useState<GrantView[] | null>(null);
  const [records, setRecords] = useState<RecordView[]>([]);
  const [log, setLog] = useState<AccessEntry[]>([]);
  const [stopping, setStopping] = useState<GrantView | null>(null);
  const [status, setStatus] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const load = useCallback(async () => {
    const [g, r, l] = await Promise.all([
      s.api<GrantView[]>('consent', 'GET', '/grants?limit=200'),
      s.api<RecordView[]>('records', 'GET', '/records?limit=200').catch(() => []),
      s.api<AccessEntry[]>('records', 'GET', '/access-log?limit=500').catch(() => []),
    ]);
    setGrants(g.sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
    setRecords(r);
    setLog(l);
  }, [s]);
  useEffect(() => void load(), [load]);

  const usedOn = (g: GrantView) =>
    log.find((e) => e.grantId && e.outcome === 'allowed' && [g.id, g.chainId].includes(e.grantId))?.recordedAt;
  const isLive = (g: GrantView) =>
    g.status === 'active' && g.validUntil * 1000 > Date.now() && !(g.maxUses === 1 && usedOn(g));

  const stop = async () => {
    const g = stopping;
    dialog.current?.close();
    if (!g || !s.wallet) return;
    setStatus('Stopping…');
    try {
      await stepUp.ensure();
      const prep = await s.api<{ nonce: string; deadline: string; toSign: TypedData }>(
        'consent',
        'POST',
        `/grants/${g.id}/revoke/prepare`,
        {},
      );
      await s.api('consent', 'POST', `/grants/${g.id}/revoke`, {
        nonce: prep.nonce,
        deadline: prep.deadline,
        signature: await signTyped(s.wallet, prep.toSign),
      });
      for (let i = 0; i < 120; i++) {
        const now = await s.api<GrantView>('consent', 'GET', `/grants/${g.id}`);
        if (now.status === 'revoked') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      setStatus(`You have stopped sharing with ${g.granteeId.slice(0, 8)}.`);
      await load();
    } catch (e) {
      setStatus(`Stopping did not work: ${(e as Error).message}`);
    }
  };

  const live = (grants ?? []).filter(isLive);
  const past = (grants ?? []).filter((g) => !isLive(g));
  const table = (list: GrantView[], caption: string, canStop: boolean) => (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Who</th>
          <th scope="col">What</th>
          <th scope="col">Why</th>
          <th scope="col">Until</th>
          <th scope="col">{canStop ? <span className="visually-hidden">Action</span> : 'Status'}</th>
        </tr>
      </thead>
      <tbody>
        {list.map((g) => (
          <tr key={g.id}>
            <td className="mono">{g.granteeId.slice(0, 8)}</td>
            <td>{describeWhat(g.scope, records)}</td>
            <td>{PURPOSES[g.purpose] ?? g.purpose}</td>
            <td>
              {g.maxUses === 1
                ? usedOn(g)
                  ? `Once – used on ${formatDate(usedOn(g)!)}`
                  : `Once, not used yet (until ${formatDay(g.validUntil * 1000)})`
                : `Active until ${formatDay(g.validUntil * 1000)}`}
            </td>
            <td>
              {canStop ? (
                <button
                  type="button"
                  className="button warning small"
                  disabled={!s.wallet}
                  onClick={() => {
                    setStopping(g);
                    dialog.current?.showModal();
                  }}
                >
                  Stop sharing<span className="visually-hidden"> with {g.granteeId.slice(0, 8)}</span>
                </button>
              ) : (
                (STATUS[g.status] ?? g.status)
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Page title="Who can see my records">
      <NeedKey action="stop sharing" />
      <Status>{status}</Status>
      {grants && live.length === 0 && (
        <p>
          You are not sharing anything at the moment. <Link to="/share">Share a record</Link>
        </p>
      )}
      {live.length > 0 && table(live, 'Sharing now', true)}
      {past.length > 0 && table(past, 'Finished', false)}
      <dialog ref={dialog} className="dialog" aria-labelledby="stop-title">
        <h2 id="stop-title">Stop sharing with {stopping?.granteeId.slice(0, 8)}?</h2>
        <p>They will no longer be able to see: {stopping ? describeWhat(stopping.scope, records) : ''}.</p>
        <p>Copies they have already taken are not deleted.</p>
        <div className="button-row">
          <button type="button" className="button warning" onClick={() => void stop()}>
            Stop sharing
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            Keep sharing
          </button>
        </div>
      </dialog>
    </Page>
  );
}
