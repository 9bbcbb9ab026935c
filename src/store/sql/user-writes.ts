/**
 * Writes of a user row with its claim index, inside a caller's transaction: the store's own
 * createUser/updateUser and the admin API's audited ones share them.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction, Updateable } from 'kysely';
import { DuplicateUserError, LocalUserSchema, type LocalUser, type NewLocalUser, type UserCondition, type UserPatch } from '../types.js';
import { check, checkText } from './record-checks.js';
import { claimRows, userFrom, userRow } from './rows.js';
import type { Database, UsersTable } from './schema.js';

/** An update of a user that does not exist. */
export class UserNotFoundError extends Error {
  override readonly name = 'UserNotFoundError';
}

const PatchSchema = LocalUserSchema.pick({ claims: true, roles: true, groups: true, locked: true, disabled: true, totpSecret: true, passwordHash: true }).partial();

/** Fills the fields a patch does not carry, so that userRow can encode the ones it does. */
const emptyUser: LocalUser = {
  id: '',
  tenant: '',
  username: '',
  userStoreDomain: '',
  passwordHash: null,
  roles: [],
  groups: [],
  claims: {},
  totpSecret: null,
  locked: false,
  disabled: false,
  provisionedBy: null,
};

/** Inserts a user and its claim index (inside the caller's transaction). */
export async function insertUser(trx: Transaction<Database>, tenant: string, user: NewLocalUser): Promise<LocalUser> {
  const created: LocalUser = { ...structuredClone(user), id: randomUUID(), tenant };
  check(LocalUserSchema, `user ${user.userStoreDomain}/${user.username}`, created);
  const row = userRow(created);
  checkText(`user ${user.userStoreDomain}/${user.username}`, row, ['tenant', 'username', 'user_store_domain', 'password_hash', 'totp_secret', 'provisioned_by']);
  const inserted = await trx
    .insertInto('users')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant', 'domain_key', 'username']).doNothing())
    .returning('id')
    .execute();
  if (inserted.length === 0) throw new DuplicateUserError(`user ${user.userStoreDomain}/${user.username} exists`);
  const claims = claimRows(tenant, created.id, created.claims);
  if (claims.length > 0) await trx.insertInto('user_claims').values(claims).execute();
  return created;
}

/**
 * Applies a patch to a user and its claim index (inside the caller's transaction). With a
 * condition, only while the condition's fields hold the values given (one UPDATE ... WHERE, so
 * concurrent writers cannot both pass it): null otherwise.
 */
export async function patchUser(trx: Transaction<Database>, tenant: string, id: string, patch: UserPatch, condition?: UserCondition): Promise<LocalUser | null> {
  check(PatchSchema, `a patch of user ${id}`, patch);
  const set: Updateable<UsersTable> = {};
  const columns = userRow({ ...emptyUser, ...patch });
  if (patch.claims !== undefined) set.claims = columns.claims;
  if (patch.roles !== undefined) set.roles = columns.roles;
  if (patch.groups !== undefined) set.groups = columns.groups;
  if (patch.locked !== undefined) set.locked = columns.locked;
  if (patch.disabled !== undefined) set.disabled = columns.disabled;
  if (patch.totpSecret !== undefined) set.totp_secret = columns.totp_secret;
  if (patch.passwordHash !== undefined) set.password_hash = columns.password_hash;
  checkText(`a patch of user ${id}`, set, ['totp_secret', 'password_hash']);
  const missing = () => new UserNotFoundError(`no user ${id} in tenant ${tenant}`);
  if (Object.keys(set).length === 0) {
    const row = await trx.selectFrom('users').selectAll().where('id', '=', id).where('tenant', '=', tenant).executeTakeFirst();
    if (row === undefined) throw missing();
    return userFrom(row);
  }
  let update = trx.updateTable('users').set(set).where('id', '=', id).where('tenant', '=', tenant);
  if (condition !== undefined) {
    const expected = userRow({ ...emptyUser, ...condition });
    if (condition.claims !== undefined) update = update.where('claims', '=', expected.claims);
    if (condition.locked !== undefined) update = update.where('locked', '=', expected.locked);
    if (condition.totpSecret !== undefined) {
      const secret = condition.totpSecret;
      update = secret === null ? update.where('totp_secret', 'is', null) : update.where('totp_secret', '=', secret);
    }
  }
  const row = await update.returningAll().executeTakeFirst();
  if (row === undefined) {
    if (condition !== undefined) return null;
    throw missing();
  }
  const user = userFrom(row);
  if (patch.claims !== undefined) {
    await trx.deleteFrom('user_claims').where('user_id', '=', id).execute();
    const claims = claimRows(tenant, id, user.claims);
    if (claims.length > 0) await trx.insertInto('user_claims').values(claims).execute();
  }
  return user;
}

