import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useSession } from '../lib/session';
import { ApiError } from '../lib/api';
import { signedReadBody } from '../lib/signing';
import { NeedKey } from '../lib/need-key';
import {
  CATEGORY_NAMES,
  ErrorSummary,
  errorFor,
  formatDay,
  Page,
  PURPOSES,
  Status,
  type FieldError,
} from '../lib/page';
import { contentOf, downloadContent, readableSummary, type Content } from '../lib/content';
import type { GrantView } from './SharesPage';

const REFUSALS: Record<string, string> = {
  GrantExhausted: 'You have already opened this once. The patient shared it for one look only.',
  GrantRevoked: 'The patient has stopped sharing this with you.',
  GrantExpired: 'This share has ended.',
  NoActiveGrant: 'This record is not shared with you.',
  OutOfScope: 'This record is not part of what was shared with you.',
  PurposeMismatch: 'This record was shared for a different reason.',
};

/** The provider's view: their sharing code, the shares they hold, and a signed read of a shared record. */
export function SharedWithMePage() {
  const s = useSession();
  const [me, setMe] = useState<{ id: string } | null>(null);
  const [grants, setGrants] = useState<GrantView[]>([]);
  const [recordId, setRecordId] = useState('');
  const [shown, setShown] = useState<Content | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [status, setStatus] = useState('');
  const load = useCallback(() => {
    s.api<{ id: string }>('registrar', 'GET', '/identities/me')
      .then(setMe)
      .catch(() => setMe(null));
    s.api<GrantView[]>('consent', 'GET', '/grants?limit=200')
      .then(setGrants)
      .catch(() => setGrants([]));
  }, [s]);
  useEffect(load, [load]);
  const mine = grants.filter((g) => me && g.granteeId === me.id && g.status === 'active');

  const read = async (grant: GrantView, id: string) => {
    if (!s.wallet) return;
    setShown(null);
    setStatus('Opening…');
    try {
      const body = await signedReadBody(s.token, s.wallet, id, grant.purpose, grant.chainId);
      const r = await s.api<Parameters<typeof contentOf>[0]>('records', 'POST', `/records/${id}/read`, body);
      setShown(contentOf(r));
      setStatus('Record opened');
    } catch (e) {
      const code = e instanceof ApiError ? e.code : '';
      setStatus(REFUSALS[code] ?? `You cannot open this record: ${(e as Error).message}`);
    }
  };
  const submit = (grant: GrantView) => (e: FormEvent) => {
    e.preventDefault();
    const id = (grant.scope.recordIds.length === 1 ? grant.scope.recordIds[0] : recordId.trim()) ?? '';
    if (!/^[0-9a-f-]{36}$/i.test(id))
      return setErrors([{ field: `record-${grant.id}`, message: 'Enter the record number the patient gave you' }]);
    setErrors([]);
    void read(grant, id);
  };
  return (
    <Page title="Records shared with me">
      <p>
        Your sharing code:{' '}
        <strong className="mono" data-testid="sharing-code">
          {me?.id ?? 'not linked yet – ask a registrar'}
        </strong>
        . Give it to a patient who wants to share records with you.
      </p>
      <NeedKey action="open a shared record" />
      <ErrorSummary errors={errors} />
      <Status>{status}</Status>
      {mine.length === 0 && <p>No patient is sharing records with you at the moment.</p>}
      {mine.map((g) => (
        <section className="card" key={g.id} aria-labelledby={`share-${g.id}`}>
          <h2 id={`share-${g.id}`}>Shared by patient {g.patientId.slice(0, 8)}</h2>
          <p>
            {g.scope.recordIds.length
              ? `${g.scope.recordIds.length} record(s)`
              : g.scope.categories.map((c) => CATEGORY_NAMES[c] ?? c).join(', ')}{' '}
            – {PURPOSES[g.purpose] ?? g.purpose} –{' '}
            {g.maxUses === 1 ? 'one look only' : `until ${formatDay(g.validUntil * 1000)}`}
          </p>
          <form onSubmit={submit(g)} noValidate>
            {g.scope.recordIds.length !== 1 && (
              <div className="field">
                <label htmlFor={`record-${g.id}`}>Record number</label>
                {errorFor(errors, `record-${g.id}`)}
                <input
                  id={`record-${g.id}`}
                  className="wide"
                  value={recordId}
                  onChange={(e) => setRecordId(e.target.value)}
                />
              </div>
            )}
            <button className="button" type="submit" disabled={!s.wallet}>
              Open the record
            </button>
          </form>
        </section>
      ))}
      {shown && (
        <section aria-labelledby="shown-title">
          <h2 id="shown-title">The record</h2>
          <pre className="content">{readableSummary(shown)}</pre>
          <button
            className="button secondary"
            type="button"
            onClick={() => downloadContent(shown, 'shared-record', new Date().toISOString())}
          >
            Download
          </button>
        </section>
      )}
    </Page>
  );
}
