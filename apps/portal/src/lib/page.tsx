import { useEffect, useRef, type ReactNode } from 'react';

export const SITE = 'Your health records';

/** Every page: a unique title, one h1 that takes focus when the page opens (screen readers hear the change). */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${SITE}`;
    h1.current?.focus();
  }, [title]);
  return (
    <>
      <h1 ref={h1} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </>
  );
}

/** A polite live region: messages put here are announced. */
export function Status({ children }: { children: ReactNode }) {
  return (
    <div role="status" aria-live="polite" className="status">
      {children}
    </div>
  );
}

export interface FieldError {
  field: string;
  message: string;
}

/** The error summary: focused when it appears, each message a link to its field. */
export function ErrorSummary({ errors }: { errors: FieldError[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length) box.current?.focus();
  }, [errors]);
  if (!errors.length) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={box} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {errors.map((e) => (
          <li key={e.field}>
            <a
              href={`#${e.field}`}
              onClick={(ev) => {
                ev.preventDefault();
                document.getElementById(e.field)?.focus();
              }}
            >
              {e.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function errorFor(errors: FieldError[], field: string) {
  const e = errors.find((x) => x.field === field);
  return e ? (
    <p className="field-error" id={`${field}-error`}>
      <span className="visually-hidden">Error: </span>
      {e.message}
    </p>
  ) : null;
}

export const formatDate = (iso: string | number) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
export const formatDay = (iso: string | number) => new Date(iso).toLocaleDateString('en-GB', { dateStyle: 'long' });

export const CATEGORY_NAMES: Record<string, string> = {
  laboratory: 'Test results',
  imaging: 'Scans and X-rays',
  medication: 'Medicines',
  'clinical-note': 'Notes from your care team',
  immunization: 'Vaccinations',
  allergy: 'Allergies',
  'vital-signs': 'Measurements (blood pressure, weight…)',
  document: 'Letters and documents',
};

export const PURPOSES: Record<string, string> = {
  treatment: 'To treat me',
  dispensing: 'To give me medicines',
  billing: 'To pay for my care (insurance)',
  research: 'For research',
};
