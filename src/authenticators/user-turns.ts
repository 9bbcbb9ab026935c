/**
 * One check at a time per account, in this process. A check reads the account's counters (failed
 * logins, the last TOTP time-step), then writes them with the store's compare-and-set
 * (updateUserIf), which keeps checks in several processes exact; taking turns here spares the
 * checks of one process the lost compare-and-set rounds (and the repeated reads) entirely.
 */
const tails = new Map<string, Promise<unknown>>();

export async function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  const mine = before.then(work);
  // The chain must not reject for the next in line, and the map must not keep finished accounts.
  const tail = mine.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  try {
    return await mine;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}

export const accountKey = (tenant: string, userStoreDomain: string, username: string): string => `${tenant}\u0000${userStoreDomain.toUpperCase()}\u0000${username}`;
