import { useCallback } from 'react';
import { useAuth } from 'react-oidc-context';

/** How recent a sign-in must be for sharing, stopping a share or downloading everything (config.json). */
let FRESH_SECONDS = 120;
export const setStepUpSeconds = (s: number | undefined) => {
  if (typeof s === 'number' && s >= 0) FRESH_SECONDS = s;
};

export class StepUpCancelled extends Error {
  constructor() {
    super('You did not confirm it is you, so nothing was changed');
  }
}

/**
 * Step-up: before sharing, stopping a share and downloading all data, Keycloak asks again for the password and —
 * for anyone who has enrolled one — a fresh authenticator code (`prompt=login`, `max_age=0`). It runs in a small
 * window so the page keeps its state and the unlocked key (see ADR 0015).
 */
export function useStepUp() {
  const auth = useAuth();
  const ensure = useCallback(async () => {
    const at = Number(auth.user?.profile.auth_time ?? 0);
    if (Date.now() / 1000 - at < FRESH_SECONDS) return;
    let user;
    try {
      user = await auth.signinPopup({ prompt: 'login', max_age: 0, popupWindowFeatures: { width: 520, height: 720 } });
    } catch {
      throw new StepUpCancelled();
    }
    if (Date.now() / 1000 - Number(user.profile.auth_time ?? 0) > Math.max(FRESH_SECONDS, 60))
      throw new StepUpCancelled();
  }, [auth]);
  return { ensure };
}
