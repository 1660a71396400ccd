import { useEffect, useState } from 'react';
import { useSession } from './session';

/** The notifications service's Server-Sent Events, read with fetch (EventSource cannot send a bearer token). */
export function useUnread(): number {
  const s = useSession();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    const refresh = () =>
      s
        .api<{ unread: number; count?: number }>('notifications', 'GET', '/inbox/unread-count')
        .then((r) => setUnread(Number(r.unread ?? r.count ?? 0)))
        .catch(() => undefined);
    void refresh();
    window.addEventListener('uhr-inbox-changed', refresh);
    void (async () => {
      while (!abort.signal.aborted) {
        try {
          const res = await fetch('/api/notifications/stream', {
            headers: { authorization: `Bearer ${s.token}`, accept: 'text/event-stream' },
            signal: abort.signal,
          });
          const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
          let buf = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += value;
            let cut;
            while ((cut = buf.indexOf('\n\n')) >= 0) {
              const frame = buf.slice(0, cut);
              buf = buf.slice(cut + 2);
              const data = frame
                .split('\n')
                .filter((l) => l.startsWith('data:'))
                .map((l) => l.slice(5).trim())
                .join('\n');
              if (data) {
                window.dispatchEvent(new CustomEvent('uhr-notification', { detail: safeJson(data) }));
                void refresh();
              }
            }
          }
        } catch {
          /* aborted or dropped: reconnect below */
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    return () => {
      abort.abort();
      window.removeEventListener('uhr-inbox-changed', refresh);
    };
  }, [s]);
  return unread;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Re-runs `load` whenever a notification arrives (a new record, a read, a request…). */
export function useOnNotification(load: () => void) {
  useEffect(() => {
    window.addEventListener('uhr-notification', load);
    return () => window.removeEventListener('uhr-notification', load);
  }, [load]);
}
