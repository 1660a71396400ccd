import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useSession } from '../lib/session';
import { signTyped, type TypedData } from '../lib/signing';
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
import { titleOf, type RecordView } from './RecordsPage';
import { DirectorySearch, kindOf } from './DirectorySearch';
import { useStepUp } from '../lib/step-up';

interface Choices {
  granteeId: string;
  /** The name chosen from the directory, if chosen there ('' when a sharing code was typed). */
  granteeName: string;
  what: 'records' | 'categories';
  recordIds: string[];
  categories: string[];
  purpose: string;
  once: boolean;
  until: string; // yyyy-mm-dd
}
type Step = 'who' | 'what' | 'purpose' | 'when' | 'check' | 'done';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ONCE_DAYS = 30;

function untilSeconds(c: Choices): number {
  if (c.once) return Math.floor(Date.now() / 1000) + ONCE_DAYS * 86400;
  return Math.floor(new Date(`${c.until}T23:59:59`).getTime() / 1000);
}

export function describeWhat(c: { recordIds: string[]; categories: string[] }, records: RecordView[]): string {
  if (c.recordIds.length)
    return c.recordIds
      .map((id) => {
        const r = records.find((x) => x.id === id);
        return r ? titleOf(r) : 'a record';
      })
      .join(', ');
  return c.categories.map((k) => CATEGORY_NAMES[k] ?? k).join(', ');
}

/** Share: who, what, why, how long; check your answers; confirmation. */
export function SharePage() {
  const s = useSession();
  const stepUp = useStepUp();
  const [step, setStep] = useState<Step>('who');
  const [records, setRecords] = useState<RecordView[]>([]);
  const [c, setC] = useState<Choices>({
    granteeId: '',
    granteeName: '',
    what: 'records',
    recordIds: [],
    categories: [],
    purpose: '',
    once: true,
    until: '',
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    s.api<RecordView[]>('records', 'GET', '/records?limit=200')
      .then((rs) => setRecords(rs.filter((r) => r.status === 'accepted')))
      .catch(() => undefined);
  }, [s]);
  const go = (next: Step) => {
    setErrors([]);
    setStep(next);
  };

  const submitWho = (e: FormEvent) => {
    e.preventDefault();
    if (!UUID.test(c.granteeId.trim()))
      return setErrors([
        {
          field: 'grantee',
          message:
            'Choose who from the search, or enter the sharing code they gave you, like ' +
            '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
        },
      ]);
    setC({ ...c, granteeId: c.granteeId.trim().toLowerCase() });
    go('what');
  };
  const submitWhat = (e: FormEvent) => {
    e.preventDefault();
    if (c.what === 'records' && !c.recordIds.length)
      return setErrors([{ field: 'records-0', message: 'Choose at least one record to share' }]);
    if (c.what === 'categories' && !c.categories.length)
      return setErrors([{ field: 'category-0', message: 'Choose at least one kind of record to share' }]);
    go('purpose');
  };
  const submitPurpose = (e: FormEvent) => {
    e.preventDefault();
    if (!c.purpose) return setErrors([{ field: 'purpose-0', message: 'Choose why they need to see it' }]);
    go('when');
  };
  const submitWhen = (e: FormEvent) => {
    e.preventDefault();
    if (!c.once) {
      const t = new Date(`${c.until}T23:59:59`).getTime();
      if (!c.until || Number.isNaN(t))
        return setErrors([{ field: 'until', message: 'Enter the last day they can see it' }]);
      if (t < Date.now()) return setErrors([{ field: 'until', message: 'The last day must be today or later' }]);
      if (t > Date.now() + 366 * 86400_000)
        return setErrors([{ field: 'until', message: 'The last day must be within a year from today' }]);
    }
    go('check');
  };
  const share = async () => {
    if (!s.wallet) return;
    setBusy(true);
    setStatus('Sharing…');
    try {
      await stepUp.ensure();
      const now = Math.floor(Date.now() / 1000);
      const terms = {
        patientId: (await s.api<{ id: string }>('registrar', 'GET', '/identities/me')).id,
        granteeId: c.granteeId,
        recordIds: c.what === 'records' ? c.recordIds : [],
        categories: c.what === 'categories' ? c.categories : [],
        purpose: c.purpose,
        validFrom: now - 5,
        validUntil: untilSeconds(c),
        maxUses: c.once ? 1 : 0,
      };
      const prep = await s.api<{ grantId: string; nonce: string; deadline: string; toSign: TypedData }>(
        'consent',
        'POST',
        '/grants/prepare',
        terms,
      );
      await s.api('consent', 'POST', '/grants', {
        ...terms,
        grantId: prep.grantId,
        nonce: prep.nonce,
        deadline: prep.deadline,
        signature: await signTyped(s.wallet, prep.toSign),
      });
      for (let i = 0; i < 120; i++) {
        const g = await s.api<{ status: string; chain: { error: string | null } }>(
          'consent',
          'GET',
          `/grants/${prep.grantId}`,
        );
        if (g.status === 'active') break;
        if (g.status === 'rejected') throw new Error(g.chain.error ?? 'it was refused');
        await new Promise((r) => setTimeout(r, 250));
      }
      setStatus('');
      go('done');
    } catch (e) {
      setStatus(`Sharing did not work: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const whenText = c.once
    ? `Once, within ${ONCE_DAYS} days`
    : `Until ${c.until ? formatDay(`${c.until}T12:00:00`) : ''}`;
  const back = (to: Step) => (
    <p>
      <button type="button" className="link-button" onClick={() => go(to)}>
        Back
      </button>
    </p>
  );

  if (step === 'who')
    return (
      <Page title="Who do you want to share with?">
        <NeedKey action="share" />
        <ErrorSummary errors={errors} />
        <form onSubmit={submitWho} noValidate>
          <DirectorySearch
            chosen={c.granteeId}
            onChoose={(e) => {
              setErrors([]);
              setC({ ...c, granteeId: e.identityId, granteeName: `${e.displayName} (${kindOf(e)})` });
            }}
          />
          <div className={errors.length ? 'field has-error' : 'field'}>
            <label htmlFor="grantee">Or their sharing code</label>
            <p className="hint" id="grantee-hint">
              A doctor, pharmacy or insurer not found by name can give you their sharing code. It is on their page of
              this website.
            </p>
            {errorFor(errors, 'grantee')}
            <input
              id="grantee"
              name="grantee"
              className="wide"
              autoComplete="off"
              spellCheck={false}
              value={c.granteeId}
              aria-describedby="grantee-hint"
              aria-invalid={errors.length > 0}
              onChange={(e) => setC({ ...c, granteeId: e.target.value, granteeName: '' })}
            />
          </div>
          <button className="button" type="submit">
            Continue
          </button>
        </form>
      </Page>
    );
  if (step === 'what')
    return (
      <Page title="What do you want to share?">
        {back('who')}
        <ErrorSummary errors={errors} />
        <form onSubmit={submitWhat} noValidate>
          <fieldset>
            <legend>Share</legend>
            <div className="radio">
              <input
                type="radio"
                id="what-records"
                name="what"
                checked={c.what === 'records'}
                onChange={() => setC({ ...c, what: 'records' })}
              />
              <label htmlFor="what-records">Some of my records</label>
            </div>
            <div className="radio">
              <input
                type="radio"
                id="what-categories"
                name="what"
                checked={c.what === 'categories'}
                onChange={() => setC({ ...c, what: 'categories' })}
              />
              <label htmlFor="what-categories">All my records of some kinds, including new ones</label>
            </div>
          </fieldset>
          {c.what === 'records' ? (
            <fieldset>
              <legend>Which records?</legend>
              {errorFor(errors, 'records-0')}
              {records.length === 0 && <p>You have no records in your health record to share yet.</p>}
              {records.map((r, i) => (
                <div className="checkbox" key={r.id}>
                  <input
                    type="checkbox"
                    id={`records-${i}`}
                    checked={c.recordIds.includes(r.id)}
                    onChange={() => setC({ ...c, recordIds: toggle(c.recordIds, r.id) })}
                  />
                  <label htmlFor={`records-${i}`}>
                    {titleOf(r)} <span className="hint">({new Date(r.createdAt).toLocaleDateString('en-GB')})</span>
                  </label>
                </div>
              ))}
            </fieldset>
          ) : (
            <fieldset>
              <legend>Which kinds?</legend>
              {errorFor(errors, 'category-0')}
              {Object.entries(CATEGORY_NAMES).map(([k, name], i) => (
                <div className="checkbox" key={k}>
                  <input
                    type="checkbox"
                    id={`category-${i}`}
                    checked={c.categories.includes(k)}
                    onChange={() => setC({ ...c, categories: toggle(c.categories, k) })}
                  />
                  <label htmlFor={`category-${i}`}>{name}</label>
                </div>
              ))}
            </fieldset>
          )}
          <button className="button" type="submit">
            Continue
          </button>
        </form>
      </Page>
    );
  if (step === 'purpose')
    return (
      <Page title="Why do they need to see it?">
        {back('what')}
        <ErrorSummary errors={errors} />
        <form onSubmit={submitPurpose} noValidate>
          <fieldset>
            <legend className="visually-hidden">Why do they need to see it?</legend>
            {errorFor(errors, 'purpose-0')}
            {Object.entries(PURPOSES).map(([k, text], i) => (
              <div className="radio" key={k}>
                <input
                  type="radio"
                  id={`purpose-${i}`}
                  name="purpose"
                  checked={c.purpose === k}
                  onChange={() => setC({ ...c, purpose: k })}
                />
                <label htmlFor={`purpose-${i}`}>{text}</label>
              </div>
            ))}
          </fieldset>
          <button className="button" type="submit">
            Continue
          </button>
        </form>
      </Page>
    );
  if (step === 'when')
    return (
      <Page title="How long can they see it?">
        {back('purpose')}
        <ErrorSummary errors={errors} />
        <form onSubmit={submitWhen} noValidate>
          <fieldset>
            <legend className="visually-hidden">How long can they see it?</legend>
            <div className="radio">
              <input
                type="radio"
                id="when-once"
                name="when"
                checked={c.once}
                onChange={() => setC({ ...c, once: true })}
              />
              <label htmlFor="when-once">Once only (they can open it one time, within {ONCE_DAYS} days)</label>
            </div>
            <div className="radio">
              <input
                type="radio"
                id="when-until"
                name="when"
                checked={!c.once}
                onChange={() => setC({ ...c, once: false })}
              />
              <label htmlFor="when-until">Until a date I choose</label>
            </div>
          </fieldset>
          {!c.once && (
            <div className={errors.length ? 'field has-error' : 'field'}>
              <label htmlFor="until">Last day they can see it</label>
              {errorFor(errors, 'until')}
              <input
                id="until"
                type="date"
                value={c.until}
                aria-invalid={errors.length > 0}
                onChange={(e) => setC({ ...c, until: e.target.value })}
              />
            </div>
          )}
          <button className="button" type="submit">
            Continue
          </button>
        </form>
      </Page>
    );
  if (step === 'check')
    return (
      <Page title="Check your answers">
        <NeedKey action="share" />
        <Status>{status}</Status>
        <dl className="summary">
          {(
            [
              ['Who', c.granteeName || `Sharing code ${c.granteeId}`, 'who'],
              ['What', describeWhat(c, records), 'what'],
              ['Why', PURPOSES[c.purpose], 'purpose'],
              ['How long', whenText, 'when'],
            ] as const
          ).map(([k, v, to]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
              <dd>
                <button type="button" className="link-button" onClick={() => go(to)}>
                  Change<span className="visually-hidden"> {k.toLowerCase()}</span>
                </button>
              </dd>
            </div>
          ))}
        </dl>
        <p>
          They will be able to keep copies of what they see. You can stop sharing at any time on the page “Who can see
          my records”.
        </p>
        <button className="button" type="button" disabled={busy || !s.wallet} onClick={() => void share()}>
          {c.once ? 'Share once' : `Share until ${c.until ? formatDay(`${c.until}T12:00:00`) : ''}`}
        </button>
      </Page>
    );
  return (
    <Page title="You are sharing your records">
      <div className="panel">
        <p>{describeWhat(c, records)}</p>
        <p>{whenText}</p>
      </div>
      <p>
        We will tell you each time they look. <Link to="/shares">See who can see my records</Link>
      </p>
    </Page>
  );
}
