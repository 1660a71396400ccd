import { useState } from 'react';
import { useSession } from '../lib/session';

/** A provider, pharmacy or insurer as the registrar lists it; its identity id is its sharing code. */
export interface DirectoryEntry {
  identityId: string;
  displayName: string;
  kind: 'provider' | 'third-party';
  identifierSystem: string;
}

/** What kind of organisation a listing is, in plain words. */
export function kindOf(e: Pick<DirectoryEntry, 'kind' | 'identifierSystem'>): string {
  if (e.identifierSystem === 'pharmacy-licence') return 'Pharmacy';
  if (e.identifierSystem === 'medical-licence') return 'Doctor';
  return e.kind === 'provider' ? 'Hospital or clinic' : 'Organisation';
}

/** Find whom to share with by name; choosing one fills in their sharing code. */
export function DirectorySearch(props: { chosen: string; onChoose: (e: DirectoryEntry) => void }) {
  const s = useSession();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<DirectoryEntry[] | null>(null);
  const [note, setNote] = useState('');
  const search = async () => {
    const text = q.trim();
    if (text.length < 2) {
      setFound(null);
      return setNote('Type at least 2 letters of their name');
    }
    setNote('Searching…');
    try {
      const list = await s.api<DirectoryEntry[]>('registrar', 'GET', `/directory?q=${encodeURIComponent(text)}`);
      setFound(list);
      setNote(list.length === 0 ? `Nobody found for “${text}”` : `${list.length} found`);
    } catch (e) {
      setFound(null);
      setNote(`The search did not work: ${(e as Error).message}`);
    }
  };
  return (
    <div className="field">
      <label htmlFor="directory-q">Search by name</label>
      <p className="hint" id="directory-hint">
        For example the name of your pharmacy, hospital, doctor or insurer.
      </p>
      <input
        id="directory-q"
        className="wide"
        autoComplete="off"
        value={q}
        aria-describedby="directory-hint"
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void search();
          }
        }}
      />{' '}
      <button type="button" className="button secondary" onClick={() => void search()}>
        Search
      </button>
      <p role="status" aria-live="polite">
        {note}
      </p>
      {found && found.length > 0 && (
        <fieldset>
          <legend>Choose who</legend>
          {found.map((e) => (
            <div className="radio" key={e.identityId}>
              <input
                type="radio"
                id={`who-${e.identityId}`}
                name="who"
                checked={props.chosen === e.identityId}
                onChange={() => props.onChoose(e)}
              />
              <label htmlFor={`who-${e.identityId}`}>
                {e.displayName} <span className="hint">({kindOf(e)})</span>
              </label>
            </div>
          ))}
        </fieldset>
      )}
    </div>
  );
}
