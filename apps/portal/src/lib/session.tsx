import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useAuth } from 'react-oidc-context';
import { Wallet } from 'ethers';
import { callApi, type Service } from './api';
import { loadSealedKey, saveSealedKey } from '../keys/key-db';
import { openKey, sealKey, type SealedKey } from '../keys/sealed-key';

/** What a page needs: who is signed in, their roles, an API caller, and the key once unlocked (memory only). */
export interface Session {
  subject: string;
  name: string;
  roles: string[];
  token: string;
  api: <T = unknown>(service: Service, method: string, path: string, body?: unknown) => Promise<T>;
  wallet: Wallet | null;
  createKey: (passphrase: string) => Promise<SealedKey>;
  unlockKey: (passphrase: string, sealed?: SealedKey) => Promise<Wallet>;
  sealedKey: () => Promise<SealedKey | undefined>;
  signOut: () => Promise<void>;
}

const Ctx = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

function rolesOf(token: string): string[] {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    return (payload.realm_access?.roles ?? []) as string[];
  } catch {
    return [];
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const user = auth.user!;
  const subject = user.profile.sub;
  const token = user.access_token;

  const api = useCallback(
    <T,>(service: Service, method: string, path: string, body?: unknown) =>
      callApi<T>(token, service, method, path, body),
    [token],
  );
  const createKey = useCallback(
    async (passphrase: string) => {
      const fresh = Wallet.createRandom();
      const sealed = await sealKey(
        Uint8Array.from(fresh.privateKey.slice(2).match(/../g)!, (h) => parseInt(h, 16)),
        fresh.address,
        passphrase,
      );
      await saveSealedKey(subject, sealed);
      setWallet(new Wallet(fresh.privateKey));
      return sealed;
    },
    [subject],
  );
  const unlockKey = useCallback(
    async (passphrase: string, given?: SealedKey) => {
      const sealed = given ?? (await loadSealedKey(subject));
      if (!sealed) throw new Error('There is no key in this browser yet');
      const raw = await openKey(sealed, passphrase);
      const w = new Wallet('0x' + Array.from(raw, (b) => b.toString(16).padStart(2, '0')).join(''));
      raw.fill(0);
      if (w.address !== sealed.address) throw new Error('This key file is damaged');
      if (given) await saveSealedKey(subject, given);
      setWallet(w);
      return w;
    },
    [subject],
  );
  const signOut = useCallback(async () => {
    setWallet(null);
    const idToken = user.id_token;
    await auth.removeUser();
    sessionStorage.clear();
    await auth.signoutRedirect({ id_token_hint: idToken });
  }, [auth, user]);

  const value = useMemo<Session>(
    () => ({
      subject,
      name: String(user.profile.name ?? user.profile.preferred_username ?? ''),
      roles: rolesOf(token),
      token,
      api,
      wallet,
      createKey,
      unlockKey,
      sealedKey: () => loadSealedKey(subject),
      signOut,
    }),
    [subject, user, token, api, wallet, createKey, unlockKey, signOut],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
