import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useSession } from '../lib/session';
import { ErrorSummary, errorFor, Page, Status, type FieldError } from '../lib/page';
import { MIN_PASSPHRASE_LENGTH, parseKeyFile, type SealedKey } from '../keys/sealed-key';

interface Identity {
  id: string;
  address: string;
  status?: string;
  chain?: { status: string };
}

function downloadBackup(sealed: SealedKey) {
  const blob = new Blob([JSON.stringify(sealed, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `health-records-key-backup-${sealed.address.slice(2, 10).toLowerCase()}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Your key: made in this browser, locked with your passphrase, linked to you by a registrar. */
export function KeyPage() {
  const s = useSession();
  const [sealed, setSealed] = useState<SealedKey | undefined | null>(null);
  const [identity, setIdentity] = useState<Identity | null | undefined>(undefined);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setSealed(await s.sealedKey());
    setIdentity(await s.api<Identity>('registrar', 'GET', '/identities/me').catch(() => null));
  }, [s]);
  useEffect(() => void load(), [load]);

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const pass = String(f.get('new-passphrase') ?? '');
    const again = String(f.get('confirm-passphrase') ?? '');
    const errs: FieldError[] = [];
    if (pass.length < MIN_PASSPHRASE_LENGTH)
      errs.push({
        field: 'new-passphrase',
        message: `Enter a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters`,
      });
    else if (pass !== again) errs.push({ field: 'confirm-passphrase', message: 'The two passphrases do not match' });
    setErrors(errs);
    if (errs.length) return;
    setBusy(true);
    setStatus('Making your key…');
    const made = await s.createKey(pass);
    setSealed(made);
    setBusy(false);
    setStatus('Your key is ready. Download a backup copy now.');
  };

  const unlock = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const pass = String(new FormData(e.currentTarget).get('passphrase') ?? '');
    setBusy(true);
    setStatus('Checking your passphrase…');
    try {
      await s.unlockKey(pass);
      setErrors([]);
      setStatus('Your key is unlocked for this visit.');
    } catch {
      setErrors([{ field: 'passphrase', message: 'That passphrase is not right. Try again.' }]);
      setStatus('');
    } finally {
      setBusy(false);
    }
  };

  const restore = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const file = f.get('backup-file') as File | null;
    const pass = String(f.get('backup-passphrase') ?? '');
    try {
      if (!file || file.size === 0) throw Object.assign(new Error('Choose your backup file'), { field: 'backup-file' });
      const k = parseKeyFile(await file.text());
      await s.unlockKey(pass, k).catch(() => {
        throw Object.assign(new Error('That passphrase does not open this backup'), { field: 'backup-passphrase' });
      });
      setSealed(k);
      setErrors([]);
      setStatus('Your key was restored from the backup and is unlocked.');
    } catch (err) {
      const field = (err as { field?: string }).field ?? 'backup-file';
      setErrors([{ field, message: (err as Error).message }]);
    }
  };

  const linked = identity && sealed && identity.address.toLowerCase() === sealed.address.toLowerCase();
  return (
    <Page title="My key">
      <p>
        Your key is how you approve things on this website, such as sharing a record. It is made and kept in this
        browser, locked with a passphrase only you know. We never see it.
      </p>
      <ErrorSummary errors={errors} />
      <Status>{status}</Status>
      {sealed === null ? null : !sealed ? (
        <form onSubmit={create} noValidate>
          <h2>Make your key</h2>
          <div className={errorFor(errors, 'new-passphrase') ? 'field has-error' : 'field'}>
            <label htmlFor="new-passphrase">Choose a passphrase</label>
            <p className="hint" id="new-passphrase-hint">
              At least {MIN_PASSPHRASE_LENGTH} characters. A few words you will remember works well.
            </p>
            {errorFor(errors, 'new-passphrase')}
            <input
              id="new-passphrase"
              name="new-passphrase"
              type="password"
              autoComplete="new-password"
              aria-describedby="new-passphrase-hint"
            />
          </div>
          <div className={errorFor(errors, 'confirm-passphrase') ? 'field has-error' : 'field'}>
            <label htmlFor="confirm-passphrase">Type the passphrase again</label>
            {errorFor(errors, 'confirm-passphrase')}
            <input id="confirm-passphrase" name="confirm-passphrase" type="password" autoComplete="new-password" />
          </div>
          <button className="button" type="submit" disabled={busy}>
            Make my key
          </button>
        </form>
      ) : (
        <>
          <dl className="summary">
            <div>
              <dt>Key number</dt>
              <dd className="mono">{sealed.address}</dd>
            </div>
            <div>
              <dt>Made on</dt>
              <dd>{new Date(sealed.createdAt).toLocaleDateString('en-GB', { dateStyle: 'long' })}</dd>
            </div>
            <div>
              <dt>Linked to you</dt>
              <dd>
                {linked
                  ? identity!.chain?.status === 'confirmed'
                    ? 'Yes'
                    : 'Being linked – this takes a few seconds'
                  : identity
                    ? 'No: a different key is linked to you. Ask a registrar to link this one.'
                    : 'Not yet. Show this key number to a registrar (for example at your GP surgery) to link it to you.'}
              </dd>
            </div>
            <div>
              <dt>Unlocked</dt>
              <dd>{s.wallet ? 'Yes, until you sign out' : 'No'}</dd>
            </div>
          </dl>
          <button className="button secondary" type="button" onClick={() => downloadBackup(sealed)}>
            Download a backup copy
          </button>
          {!s.wallet && (
            <form onSubmit={unlock} noValidate>
              <h2>Unlock your key</h2>
              <div className={errorFor(errors, 'passphrase') ? 'field has-error' : 'field'}>
                <label htmlFor="passphrase">Passphrase</label>
                {errorFor(errors, 'passphrase')}
                <input id="passphrase" name="passphrase" type="password" autoComplete="current-password" />
              </div>
              <button className="button" type="submit" disabled={busy}>
                Unlock
              </button>
            </form>
          )}
        </>
      )}
      <details>
        <summary>Using a backup copy</summary>
        <form onSubmit={restore} noValidate>
          <div className="field">
            <label htmlFor="backup-file">Backup file</label>
            {errorFor(errors, 'backup-file')}
            <input id="backup-file" name="backup-file" type="file" accept="application/json,.json" />
          </div>
          <div className="field">
            <label htmlFor="backup-passphrase">Passphrase of that backup</label>
            {errorFor(errors, 'backup-passphrase')}
            <input id="backup-passphrase" name="backup-passphrase" type="password" autoComplete="current-password" />
          </div>
          <button className="button secondary" type="submit">
            Use this backup
          </button>
        </form>
      </details>
      <details>
        <summary>I have lost my key or forgotten my passphrase</summary>
        <p>
          Nobody can open your key without your passphrase, not even us. Make a new key on this page, then take its key
          number to a registrar with proof of who you are. They will link the new key to you; the old one stops working.
          Your records and shares stay as they are.
        </p>
      </details>
    </Page>
  );
}
