/**
 * The async calls that act on the user store rather than the network: today
 * `updateUserPassword(user, password, callbacks[, skip])`, which WSO2 runs as a long-wait call
 * ending in onSuccess or onFail with `{}`. Give it to the flow engine as its async caller
 * (FlowEngineOptions.asyncCalls), with the HTTP caller as `next` for httpGet, httpPost and the rest.
 */
import { z } from 'zod';
import type { Store } from '../store/types.js';
import { updatePassword } from './apply-command.js';
import type { AsyncCaller } from './engine.js';

/** What the guest queues for updateUserPassword with callbacks; `refused` says why WSO2 would fail it at once. */
const PasswordArgs = z.object({
  username: z.string(),
  userStoreDomain: z.string().nullable(),
  password: z.string().min(1),
  skipPasswordValidation: z.boolean(),
  refused: z.string().nullable(),
});

/** Without `next`, other calls are declined: the flow waits for their result as an interaction. */
export function userStoreAsyncCalls(store: Store, next?: AsyncCaller): AsyncCaller {
  return {
    async call(tenant, call, args) {
      if (call !== 'updateUserPassword') return next !== undefined ? next.call(tenant, call, args) : null;
      const a = PasswordArgs.safeParse(args);
      if (!a.success) return { outcome: 'onFail', data: {}, note: 'invalid arguments for updateUserPassword' };
      if (a.data.refused !== null) return { outcome: 'onFail', data: {}, note: a.data.refused };
      const why = await updatePassword(store, tenant, a.data, a.data.password, a.data.skipPasswordValidation);
      return why === null ? { outcome: 'onSuccess', data: {}, note: 'password updated' } : { outcome: 'onFail', data: {}, note: why };
    },
  };
}
