import { useCallback, useEffect, useState } from 'react';
import { useSession } from '../lib/session';
import { useOnNotification } from '../lib/live';
import { formatDate, Page, Status } from '../lib/page';

export interface InboxItem {
  id: string;
  type: string;
  severity: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  occurredAt: string;
  readAt: string | null;
}
interface Preferences {
  mutedTypes: string[];
  quietHours?: unknown;
  digest: unknown;
}

const KINDS: Array<{ type: string; text: string; safety?: boolean }> = [
  { type: 'records.RecordAdded', text: 'A new record was added' },
  { type: 'records.RecordRead', text: 'Someone looked at one of my records' },
  { type: 'records.AccessDenied', text: 'Someone was refused one of my records' },
  { type: 'consent.GrantIssued', text: 'I started sharing' },
  { type: 'consent.GrantRevoked', text: 'I stopped sharing' },
  { type: 'consent.AccessRequested', text: 'Someone asks to see my records' },
  { type: 'consent.BreakGlassUsed', text: 'Emergency access to my records', safety: true },
  { type: 'records.IntegrityViolationDetected', text: 'A record failed its safety check', safety: true },
];

/** Messages: live (SSE), unread count, mute by kind; safety alerts cannot be muted and the page says why. */
export function NotificationsPage() {
  const s = useSession();
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [status, setStatus] = useState('');
  const load = useCallback(() => {
    s.api<{ items: InboxItem[] }>('notifications', 'GET', '/inbox?limit=50')
      .then((r) => setItems(r.items))
      .catch(() => setItems([]));
  }, [s]);
  useEffect(() => {
    load();
    s.api<Preferences>('notifications', 'GET', '/preferences')
      .then(setPrefs)
      .catch(() => undefined);
  }, [s, load]);
  useOnNotification(load);
  const markAll = async () => {
    await s.api('notifications', 'POST', '/inbox/read-all', {});
    window.dispatchEvent(new Event('uhr-inbox-changed'));
    setStatus('All messages marked as read');
    load();
  };
  const toggleMute = async (type: string) => {
    if (!prefs) return;
    const mutedTypes = prefs.mutedTypes.includes(type)
      ? prefs.mutedTypes.filter((t) => t !== type)
      : [...prefs.mutedTypes, type];
    try {
      const saved = await s.api<Preferences>('notifications', 'PUT', '/preferences', { ...prefs, mutedTypes });
      setPrefs(saved ?? { ...prefs, mutedTypes });
      setStatus('Your choices are saved');
    } catch (e) {
      setStatus(`Not saved: ${(e as Error).message}`);
    }
  };
  return (
    <Page title="Messages">
      <Status>{status}</Status>
      {items && items.length === 0 && <p>You have no messages.</p>}
      {items && items.length > 0 && (
        <>
          <button className="button secondary" type="button" onClick={() => void markAll()}>
            Mark all as read
          </button>
          <ul className="inbox">
            {items.map((n) => (
              <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
                <h2 className="inbox-title">
                  {!n.readAt && <span className="tag">New</span>} {n.title}
                </h2>
                <p>{n.body}</p>
                <p className="hint">{formatDate(n.occurredAt)}</p>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Which messages do you want?</h2>
      <fieldset>
        <legend>Tell me when…</legend>
        {KINDS.map((k, i) => (
          <div className="checkbox" key={k.type}>
            <input
              type="checkbox"
              id={`kind-${i}`}
              disabled={k.safety || !prefs}
              checked={k.safety || !prefs?.mutedTypes.includes(k.type)}
              aria-describedby={k.safety ? 'safety-why' : undefined}
              onChange={() => void toggleMute(k.type)}
            />
            <label htmlFor={`kind-${i}`}>
              {k.text}
              {k.safety && ' (always on)'}
            </label>
          </div>
        ))}
        <p className="hint" id="safety-why">
          Messages about emergency access and failed safety checks are always sent, because they may mean someone has
          seen your records without your say.
        </p>
      </fieldset>
    </Page>
  );
}

/** A banner while an emergency access to the patient's records is open. */
export function EmergencyBanner() {
  const s = useSession();
  const [items, setItems] = useState<InboxItem[]>([]);
  const load = useCallback(() => {
    s.api<{ items: InboxItem[] }>('notifications', 'GET', '/inbox?limit=50')
      .then((r) => setItems(r.items))
      .catch(() => undefined);
  }, [s]);
  useEffect(load, [load]);
  useOnNotification(load);
  const open = items.filter(
    (n) => n.type === 'consent.BreakGlassUsed' && Number(n.data.until ?? 0) * 1000 > Date.now(),
  );
  if (!open.length) return null;
  return (
    <div className="banner-emergency" role="region" aria-label="Emergency access">
      {open.map((n) => (
        <p key={n.id}>
          <strong>Emergency access to your records:</strong> {n.body} Until {formatDate(Number(n.data.until) * 1000)}.
        </p>
      ))}
    </div>
  );
}
