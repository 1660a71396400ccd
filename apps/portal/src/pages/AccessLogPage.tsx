import { useCallback, useEffect, useState } from 'react';
import { useSession } from '../lib/session';
import { useOnNotification } from '../lib/live';
import { formatDate, Page, Status } from '../lib/page';
import { titleOf, type RecordView } from './RecordsPage';

export interface AccessEntry {
  id: string;
  recordedAt: string;
  recordId: string;
  readerSubject: string;
  outcome: string;
  reason: string | null;
  grantId: string | null;
  /** Set once the patient reported a concern about this access. */
  concern?: { raisedAt: string; message: string } | null;
  auditEvent: {
    agent?: Array<{
      who?: { display?: string; identifier?: { value?: string } };
      role?: Array<{ text?: string; coding?: Array<{ code?: string; display?: string }> }>;
      requestor?: boolean;
    }>;
    purposeOfEvent?: Array<{ text?: string }>;
  };
}

export function basisOf(e: AccessEntry, me: string): string {
  if (e.readerSubject === me) return 'You';
  if (e.reason === 'BreakGlass' || /emergency/i.test(JSON.stringify(e.auditEvent.purposeOfEvent ?? '')))
    return 'Emergency';
  if (e.grantId) return 'Your share';
  return 'They added it';
}

const requestorOf = (e: AccessEntry) => e.auditEvent.agent?.find((a) => a.requestor) ?? e.auditEvent.agent?.[0];

function roleOf(e: AccessEntry): string {
  const roles = requestorOf(e)?.role ?? [];
  const texts = roles.map((r) => r.text ?? r.coding?.[0]?.display ?? r.coding?.[0]?.code ?? '').filter(Boolean);
  return texts.length > 0 ? texts.join(', ') : 'Not stated';
}

/** Who looked: their sign-in name as the gatekeeper recorded it (never an internal id alone). */
export function whoOf(e: AccessEntry, me: string): string {
  if (e.readerSubject === me) return 'You';
  return requestorOf(e)?.who?.display ?? `Account ${e.readerSubject.slice(0, 8)}`;
}

/** Who has looked at my records: every access, allowed or refused, with filters and "report a concern". */
export function AccessLogPage() {
  const s = useSession();
  const [entries, setEntries] = useState<AccessEntry[] | null>(null);
  const [records, setRecords] = useState<RecordView[]>([]);
  const [outcome, setOutcome] = useState('all');
  const [who, setWho] = useState('others');
  const [status, setStatus] = useState('');
  const [concernFor, setConcernFor] = useState<AccessEntry | null>(null);
  const load = useCallback(() => {
    void Promise.all([
      s.api<AccessEntry[]>('records', 'GET', '/access-log?limit=500'),
      s.api<RecordView[]>('records', 'GET', '/records?limit=200').catch(() => []),
    ]).then(([e, r]) => {
      setEntries(e);
      setRecords(r);
    });
  }, [s]);
  useEffect(load, [load]);
  useOnNotification(load);
  const shown = (entries ?? []).filter(
    (e) => (outcome === 'all' || e.outcome === outcome) && (who === 'all' || e.readerSubject !== s.subject),
  );
  const recordName = (id: string) => {
    const r = records.find((x) => x.id === id);
    return r ? titleOf(r) : 'A record';
  };
  return (
    <Page title="Who has looked at my records">
      <p>Every time someone opens one of your records, or tries to, it is listed here.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field inline">
          <label htmlFor="filter-outcome">Show</label>
          <select id="filter-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="all">Allowed and refused</option>
            <option value="allowed">Allowed only</option>
            <option value="denied">Refused only</option>
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="filter-who">People</label>
          <select id="filter-who" value={who} onChange={(e) => setWho(e.target.value)}>
            <option value="others">Other people</option>
            <option value="all">Everyone, including me</option>
          </select>
        </div>
      </form>
      <Status>{entries && `${shown.length} ${shown.length === 1 ? 'entry' : 'entries'} shown`}</Status>
      {status && (
        <p className="notice" role="status">
          {status}
        </p>
      )}
      {shown.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Access to your records, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Role</th>
              <th scope="col">Record</th>
              <th scope="col">Why they could</th>
              <th scope="col">Outcome</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.id}>
                <td>{formatDate(e.recordedAt)}</td>
                <td>{whoOf(e, s.subject)}</td>
                <td>{roleOf(e)}</td>
                <td>{recordName(e.recordId)}</td>
                <td>{basisOf(e, s.subject)}</td>
                <td>{e.outcome === 'allowed' ? 'Allowed' : <strong>Refused</strong>}</td>
                <td>
                  {e.readerSubject !== s.subject && e.concern && (
                    <span>Concern reported on {formatDate(e.concern.raisedAt)}</span>
                  )}
                  {e.readerSubject !== s.subject && !e.concern && (
                    <button type="button" className="link-button" onClick={() => setConcernFor(e)}>
                      Report a concern
                      <span className="visually-hidden"> about the access on {formatDate(e.recordedAt)}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries && shown.length === 0 && <p>Nobody has looked at your records.</p>}
      {concernFor && (
        <ConcernForm
          entry={concernFor}
          who={whoOf(concernFor, s.subject)}
          onDone={(message) => {
            setConcernFor(null);
            if (message) setStatus(message);
            load();
          }}
        />
      )}
    </Page>
  );
}

/** Tells the auditors what worries the patient about one access; the answer is the service's, not assumed. */
function ConcernForm(props: { entry: AccessEntry; who: string; onDone: (message?: string) => void }) {
  const s = useSession();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const when = formatDate(props.entry.recordedAt);
  const send = async () => {
    setSending(true);
    setError('');
    try {
      const answer = await s.api<{ created: boolean; concern: { raisedAt: string } }>(
        'records',
        'POST',
        `/access-log/${props.entry.id}/concern`,
        { message: text },
      );
      props.onDone(
        `Your concern about the access by ${props.who} on ${when} was sent to the auditors on ` +
          `${formatDate(answer.concern.raisedAt)} (reference ${props.entry.id.slice(0, 8)}).`,
      );
    } catch (err) {
      setError(`Your concern was not sent: ${(err as Error).message}. Please try again.`);
      setSending(false);
    }
  };
  return (
    <form
      className="card"
      aria-labelledby="concern-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <h2 id="concern-heading">
        Report a concern about the access by {props.who} on {when}
      </h2>
      <div className="field">
        <label htmlFor="concern-text">What worries you about it? (optional)</label>
        <textarea id="concern-text" maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      {error && <p role="alert">{error}</p>}
      <button type="submit" disabled={sending}>
        Send to the auditors
      </button>{' '}
      <button type="button" className="link-button" onClick={() => props.onDone()}>
        Cancel
      </button>
    </form>
  );
}
