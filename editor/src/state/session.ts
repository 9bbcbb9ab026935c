/**
 * The admin token for this tab. sessionStorage: a reload keeps the admin signed in, closing the
 * tab signs out, and the token never lands in a shared localStorage other tabs read.
 */
const KEY = 'authscript:token';

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // Storage may be disabled: the session then lasts until reload.
  }
}
