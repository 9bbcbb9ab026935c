/**
 * User stores and their policies, as WSO2's user store managers have them: a username pattern and
 * a role-name pattern. Provisioning that would break one fails with an error naming the policy
 * and the value, and creates nothing.
 */
import { z } from 'zod';

export const UserStoreSchema = z
  .object({
    name: z.string().min(1),
    /** A JavaScript regular expression every username in the store must match. */
    usernamePattern: z.string().default('^\\S{1,255}$'),
    /** A JavaScript regular expression every role name must match. */
    roleNamePattern: z.string().default('^\\S{1,255}$'),
  })
  .strict()
  .superRefine((s, ctx) => {
    for (const key of ['usernamePattern', 'roleNamePattern'] as const) {
      try {
        new RegExp(s[key]);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: [key], message: `not a valid regular expression: ${(e as Error).message}` });
      }
    }
  });
export type UserStore = z.infer<typeof UserStoreSchema>;
export type UserStoreInput = z.input<typeof UserStoreSchema>;

export const PRIMARY_STORE: UserStore = UserStoreSchema.parse({ name: 'PRIMARY' });

export interface PolicyViolation {
  readonly code: 'USER_STORE_POLICY';
  readonly message: string;
}

/** Why a user may not be created in the store as given, or null. */
export function checkUserStorePolicy(stores: readonly UserStore[], userStoreDomain: string, username: string, roles: readonly string[]): PolicyViolation | null {
  const store = stores.find((s) => s.name.toUpperCase() === userStoreDomain.toUpperCase()) ?? (userStoreDomain === 'PRIMARY' ? PRIMARY_STORE : undefined);
  if (store === undefined) return { code: 'USER_STORE_POLICY', message: `there is no user store "${userStoreDomain}"` };
  if (!new RegExp(store.usernamePattern).test(username)) {
    return { code: 'USER_STORE_POLICY', message: `the username "${username}" does not match the usernamePattern of user store ${store.name} (${store.usernamePattern})` };
  }
  const badRole = roles.find((r) => !new RegExp(store.roleNamePattern).test(r));
  if (badRole !== undefined) {
    return { code: 'USER_STORE_POLICY', message: `the role "${badRole}" does not match the roleNamePattern of user store ${store.name} (${store.roleNamePattern})` };
  }
  return null;
}
