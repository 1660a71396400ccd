import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useSession } from '../lib/session';
import { ApiError } from '../lib/api';
import { signedReadBody, signTyped, type TypedData } from '../lib/signing';
import { NeedKey } from '../lib/need-key';
import { CATEGORY_NAMES, formatDate, Page, Status } from '../lib/page';
import { STATUS_TEXT, titleOf, type RecordView } from './RecordsPage';
import { contentOf, downloadContent, readableSummary, type ReadResult } from '../lib/content';

interface HistoryEvent {
  type: string;
  occurredAt?: string;
  recordedAt?: string;
}

type Check =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'verified'; result: ReadResult }
  | { state: 'failed'; why: string };

/** One record: who, when, verified against the anchored hash (the gatekeeper read), its exact bytes. */
export function RecordPage() {
  const { id = '' } = useParams();
  const s = useSession();
  const [record, setRecord] = useState<RecordView | null>(null);
  const [anchoredAt, setAnchoredAt] = useState<string | null>(null);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [answer, setAnswer] = useState<boolean | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  const load = useCallback(async () => {
    try {
      setRecord(await s.api<RecordView>('records', 'GET', `/records/${id}`));
      const history = await s
        .api<HistoryEvent[] | { events: HistoryEvent[] }>('records', 'GET', `/records/${id}/history`)
        .catch(() => []);
      const events = Array.isArray(history) ? history : history.events;
      const added = events.find((e) => /RecordAdded$/.test(e.type));
      setAnchoredAt(added ? (added.occurredAt ?? added.recordedAt ?? null) : null);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 404
          ? 'There is no record of yours at this address.'
          : (e as Error).message,
      );
    }
  }, [s, id]);
  useEffect(() => void load(), [load]);

  const open = useCallback(async () => {
    if (!s.wallet) return;
    setCheck({ state: 'checking' });
    try {
      const body = await signedReadBody(s.token, s.wallet, id, 'patient-access');
      const result = await s.api<ReadResult>('records', 'POST', `/records/${id}/read`, body);
      setCheck({ state: 'verified', result });
    } catch (e) {
      const code = e instanceof ApiError ? e.code : '';
      setCheck({
        state: 'failed',
        why:
          code === 'IntegrityViolation'
            ? 'This record failed its safety check: what is stored is not what was added. We are not showing it. The organisation that added it has been told.'
            : `We could not open this record: ${(e as Error).message}`,
      });
    }
  }, [s, id]);
  useEffect(() => {
    if (record && s.wallet && check.state === 'idle') void open();
  }, [record, s.wallet, check.state, open]);

  const respond = async () => {
    if (!s.wallet || answer === null) return;
    dialog.current?.close();
    setStatus('Saving your answer…');
    try {
      const t = await s.api<TypedData & { message: { nonce: string; deadline: string } }>(
        'records',
        'GET',
        `/records/${id}/response-request?accept=${answer}`,
      );
      await s.api('records', 'POST', `/records/${id}/response`, {
        accept: answer,
        nonce: t.message.nonce,
        deadline: t.message.deadline,
        signature: await signTyped(s.wallet, t),
      });
      for (let i = 0; i < 240; i++) {
        const now = await s.api<RecordView>('records', 'GET', `/records/${id}`);
        setRecord(now);
        if (now.status !== 'responding' && now.status !== 'pending') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      setStatus(
        answer
          ? 'Thank you. The record is now in your health record.'
          : 'Thank you. The record is marked as not yours.',
      );
    } catch (e) {
      setStatus(`That did not work: ${(e as Error).message}`);
    }
  };
  const ask = (accept: boolean) => {
    setAnswer(accept);
    dialog.current?.showModal();
  };

  if (error)
    return (
      <Page title="Record not found">
        <p>{error}</p>
        <p>
          <Link to="/records">Back to my records</Link>
        </p>
      </Page>
    );
  if (!record)
    return (
      <Page title="Record">
        <p role="status">Loading…</p>
      </Page>
    );
  const content = check.state === 'verified' ? contentOf(check.result) : null;
  return (
    <Page title={titleOf(record)}>
      <p>
        <Link to="/records">Back to my records</Link>
      </p>
      <Status>{status}</Status>
      <dl className="summary">
        <div>
          <dt>Kind</dt>
          <dd>{CATEGORY_NAMES[record.category] ?? record.category}</dd>
        </div>
        <div>
          <dt>Added by</dt>
          <dd>
            {content?.author ?? 'Organisation'} <span className="mono small">({record.providerId.slice(0, 8)})</span>
          </dd>
        </div>
        <div>
          <dt>Date</dt>
          <dd>{formatDate(record.createdAt)}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{STATUS_TEXT[record.status] ?? record.status}</dd>
        </div>
        <div>
          <dt>Checked</dt>
          <dd data-testid="verification">
            {check.state === 'verified' && <strong className="tag tag-ok">Verified</strong>}
            {check.state === 'verified' && anchoredAt && (
              <> – unchanged since it was recorded on {formatDate(anchoredAt)}</>
            )}
            {check.state === 'failed' && <strong className="tag tag-bad">Not verified</strong>}
            {check.state === 'checking' && 'Checking…'}
            {check.state === 'idle' && 'Unlock your key to check and open this record'}
          </dd>
        </div>
      </dl>
      <NeedKey action="open this record" />
      {check.state === 'failed' && (
        <div className="notice notice-bad" role="alert">
          <p>{check.why}</p>
        </div>
      )}
      {content && (
        <section aria-labelledby="content-title">
          <h2 id="content-title">What it says</h2>
          <pre className="content">{readableSummary(content)}</pre>
          <button
            className="button secondary"
            type="button"
            onClick={() => downloadContent(content, titleOf(record), record.createdAt)}
          >
            Download this record
          </button>
        </section>
      )}
      {record.status === 'pending' && s.wallet && (
        <section aria-labelledby="review-title">
          <h2 id="review-title">Is this record about you?</h2>
          <div className="button-row">
            <button className="button" type="button" onClick={() => ask(true)}>
              Yes, add it to my record
            </button>
            <button className="button warning" type="button" onClick={() => ask(false)}>
              No, this is not mine
            </button>
          </div>
        </section>
      )}
      <dialog ref={dialog} aria-labelledby="confirm-title" className="dialog">
        <h2 id="confirm-title">
          {answer ? 'Add this record to your health record?' : 'Say this record is not yours?'}
        </h2>
        <p>
          {answer
            ? 'People you share with will be able to see it.'
            : 'It will not be shared with anyone. The organisation that added it will be told.'}
        </p>
        <div className="button-row">
          <button className="button" type="button" onClick={() => void respond()}>
            {answer ? 'Yes, add it' : 'Yes, it is not mine'}
          </button>
          <button className="button secondary" type="button" onClick={() => dialog.current?.close()}>
            Go back
          </button>
        </div>
      </dialog>
    </Page>
  );
}
