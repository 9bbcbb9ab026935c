/** Signed out: the sign-in form. Signed in: the workspace for the token's tenant. */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError } from '../api/client.js';
import type { Me } from '../api/types.js';
import { storedToken, storeToken } from '../state/session.js';
import { SignIn } from './SignIn.js';
import { Workspace } from './Workspace.js';

export function App() {
  const [token, setToken] = useState<string | null>(storedToken);
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(token !== null);
  const [error, setError] = useState<string | null>(null);

  const signOut = useCallback((reason: string | null = null) => {
    storeToken(null);
    setToken(null);
    setMe(null);
    setError(reason);
  }, []);

  const api = useMemo(() => (token === null ? null : new Api(token, () => signOut('Your session ended: the server no longer accepts this token. Sign in again.'))), [token, signOut]);

  useEffect(() => {
    if (api === null) return;
    let live = true;
    setChecking(true);
    api
      .me()
      .then((m) => live && (setMe(m), setError(null)))
      .catch((e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && e.status === 401) return; // signOut already ran
        setError(e instanceof ApiError ? e.describe() : String(e));
        storeToken(null);
        setToken(null);
      })
      .finally(() => live && setChecking(false));
    return () => {
      live = false;
    };
  }, [api]);

  if (api === null || me === null) {
    return (
      <SignIn
        busy={checking}
        error={error}
        onSubmit={(t) => {
          storeToken(t);
          setError(null);
          setToken(t);
        }}
      />
    );
  }
  return <Workspace api={api} me={me} onSignOut={() => signOut()} />;
}
