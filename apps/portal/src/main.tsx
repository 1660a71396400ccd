import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { AuthProvider } from 'react-oidc-context';
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { App } from './App';
import { setStepUpSeconds } from './lib/step-up';
import './styles.css';

interface PortalConfig {
  authority: string;
  clientId: string;
  stepUpSeconds?: number;
}

// A page restored from the back-forward cache after sign-out must not show anything: reload it.
window.addEventListener('pageshow', (e) => {
  if (e.persisted) window.location.reload();
});

async function start() {
  const config = (await (await fetch('/config.json', { cache: 'no-store' })).json()) as PortalConfig;
  const origin = window.location.origin;
  setStepUpSeconds(config.stepUpSeconds);
  if (window.location.pathname === '/step-up-done') {
    // The step-up window: hand the answer to the page that opened it, which closes this window.
    await new UserManager({
      authority: config.authority,
      client_id: config.clientId,
      redirect_uri: `${origin}/step-up-done`,
    }).signinPopupCallback();
    return;
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <AuthProvider
        authority={config.authority}
        client_id={config.clientId}
        redirect_uri={`${origin}/signed-in`}
        post_logout_redirect_uri={`${origin}/signed-out`}
        popup_redirect_uri={`${origin}/step-up-done`}
        scope="openid profile"
        // oidc-client-ts drops auth_time from the profile by default; step-up needs it (how recent the sign-in is).
        filterProtocolClaims={['nbf', 'jti', 'nonce', 'acr', 'amr', 'azp', 'at_hash']}
        // Authorization Code + PKCE (S256) is oidc-client-ts's only flow. Tokens are renewed with the refresh
        // token (no iframe), and no session-monitor iframe either.
        automaticSilentRenew
        monitorSession={false}
        userStore={new WebStorageStateStore({ store: window.sessionStorage })}
        onSigninCallback={() => window.history.replaceState({}, document.title, '/signed-in')}
      >
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </AuthProvider>
    </StrictMode>,
  );
}
void start();
