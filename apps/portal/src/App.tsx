import { useEffect, useState } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { useAuth } from 'react-oidc-context';
import { SessionProvider, useSession } from './lib/session';
import { Page } from './lib/page';
import { useUnread } from './lib/live';
import { KeyPage } from './pages/KeyPage';
import { RecordsPage } from './pages/RecordsPage';
import { RecordPage } from './pages/RecordPage';
import { SharePage } from './pages/SharePage';
import { SharesPage } from './pages/SharesPage';
import { AccessLogPage } from './pages/AccessLogPage';
import { RequestsPage } from './pages/RequestsPage';
import { EmergencyBanner, NotificationsPage } from './pages/NotificationsPage';
import { DownloadPage } from './pages/DownloadPage';
import { SharedWithMePage } from './pages/SharedWithMePage';

function SignedOutHome({ signedOut }: { signedOut?: boolean }) {
  const auth = useAuth();
  return (
    <main id="main" className="narrow">
      <Page title={signedOut ? 'You have signed out' : 'Sign in'}>
        {signedOut && <p>Nothing of yours is left in this browser window.</p>}
        <p>See your health records, choose who can see them, and see who has looked at them.</p>
        <button type="button" className="button" onClick={() => void auth.signinRedirect()}>
          Sign in
        </button>
      </Page>
    </main>
  );
}

function Header() {
  const s = useSession();
  const unread = useUnread();
  const patient = s.roles.includes('patient');
  return (
    <header className="header">
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <div className="header-bar">
        <span className="brand">Your health records</span>
        <span className="who">Signed in as {s.name}</span>
        <button type="button" className="button secondary" onClick={() => void s.signOut()}>
          Sign out
        </button>
      </div>
      <nav aria-label="Main">
        <ul>
          {patient ? (
            <>
              <li>
                <NavLink to="/records">My records</NavLink>
              </li>
              <li>
                <NavLink to="/share">Share</NavLink>
              </li>
              <li>
                <NavLink to="/shares">Who can see my records</NavLink>
              </li>
              <li>
                <NavLink to="/access-log">Who has looked</NavLink>
              </li>
              <li>
                <NavLink to="/requests">Requests</NavLink>
              </li>
              <li>
                <NavLink to="/download">Download my data</NavLink>
              </li>
            </>
          ) : (
            <li>
              <NavLink to="/shared-with-me">Shared with me</NavLink>
            </li>
          )}
          <li>
            <NavLink to="/notifications">
              Messages
              {unread > 0 && (
                <span className="badge">
                  {' '}
                  {unread}
                  <span className="visually-hidden"> unread</span>
                </span>
              )}
            </NavLink>
          </li>
          <li>
            <NavLink to="/key">My key</NavLink>
          </li>
        </ul>
      </nav>
    </header>
  );
}

function SignedIn() {
  const s = useSession();
  const home = s.roles.includes('patient') ? '/records' : '/shared-with-me';
  return (
    <>
      <Header />
      {s.roles.includes('patient') && <EmergencyBanner />}
      <main id="main">
        <Routes>
          <Route path="/" element={<Navigate to={home} replace />} />
          <Route path="/signed-in" element={<Navigate to={home} replace />} />
          <Route path="/records" element={<RecordsPage />} />
          <Route path="/records/:id" element={<RecordPage />} />
          <Route path="/share" element={<SharePage />} />
          <Route path="/shares" element={<SharesPage />} />
          <Route path="/access-log" element={<AccessLogPage />} />
          <Route path="/requests" element={<RequestsPage />} />
          <Route path="/notifications" element={<NotificationsPage />} />
          <Route path="/download" element={<DownloadPage />} />
          <Route path="/shared-with-me" element={<SharedWithMePage />} />
          <Route path="/key" element={<KeyPage />} />
          <Route
            path="*"
            element={
              <Page title="Page not found">
                <p>There is no page at this address.</p>
              </Page>
            }
          />
        </Routes>
      </main>
    </>
  );
}

export function App() {
  const auth = useAuth();
  const location = useLocation();
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setSlow(true), 800);
    return () => clearTimeout(t);
  }, []);
  // Only before the first sign-in completes: a step-up window (signinPopup) must not unmount the page under it.
  if ((auth.isLoading || auth.activeNavigator) && !auth.isAuthenticated) {
    return slow ? (
      <main id="main">
        <Page title="Signing you in">
          <p role="status">Please wait…</p>
        </Page>
      </main>
    ) : null;
  }
  if (auth.error && location.pathname === '/signed-in') {
    return (
      <main id="main">
        <Page title="Sign-in did not work">
          <p>{auth.error.message}</p>
          <button type="button" className="button" onClick={() => void auth.signinRedirect()}>
            Try again
          </button>
        </Page>
      </main>
    );
  }
  if (!auth.isAuthenticated) return <SignedOutHome signedOut={location.pathname === '/signed-out'} />;
  return (
    <SessionProvider>
      <SignedIn />
    </SessionProvider>
  );
}
