/**
 * The demo tenant of `npm start`: the seed's whole story at once. The "Thrift" application signs
 * in with a password, Google or GitHub (step 1) and asks for TOTP (step 2); Google provisions
 * local accounts (JIT on), GitHub does not (JIT off); the published script skips MFA for external
 * connections, so GitHub users still get in. Seeded once, on the first start of an empty database.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPassword } from '../authenticators/passwords.js';
import { JitSchema } from '../provisioning/connection.js';
import { defaultTemplatesDir } from '../templates/catalog.js';
import type { SqlAdminStore } from '../store/sql/admin-store.js';
import { issueCredential } from './credentials.js';

export const DEMO_TENANT = 'demo';

export interface DemoSeed {
  readonly adminToken: string;
  readonly client: { readonly id: string; readonly secret: string };
  readonly applicationId: string;
  readonly users: readonly { readonly username: string; readonly password: string }[];
}

const SEEDER = 'authscript demo seed';

export const DEMO_USERS = [
  { username: 'alice', password: 'alice-demo-password', roles: ['admin'], groups: ['engineering'], email: 'alice@thrift.example' },
  { username: 'bob', password: 'bob-demo-password', roles: ['shopper'], groups: [], email: 'bob@thrift.example' },
] as const;

/** Seeds the demo tenant; null when it exists already (a restart, or another process seeded it). */
export async function seedDemo(admin: SqlAdminStore, versionOf: (source: string) => string, now: number): Promise<DemoSeed | null> {
  if ((await admin.getTenant(DEMO_TENANT)) !== null) return null;
  try {
    await admin.createTenant({ id: DEMO_TENANT, name: 'Thrift (demo)', domain: 'thrift.example', createdAt: now });
  } catch {
    return null; // another process seeded it first
  }
  const audit = (action: string, target: string, details: Record<string, string> = {}) => ({ actor: SEEDER, action, target, details });
  const token = await issueCredential(admin, DEMO_TENANT, 'admin', 'demo admin', now, audit('token.create', ''));
  const client = await issueCredential(admin, DEMO_TENANT, 'flow-client', 'demo identity server', now, audit('client.create', ''));

  await admin.createConnection(
    {
      tenant: DEMO_TENANT,
      name: 'Google',
      authenticator: 'GoogleOIDCAuthenticator',
      jit: JitSchema.parse({ enabled: true, scheme: 'silent', associateLocalUser: true }),
      claimMappings: { email: 'http://wso2.org/claims/emailaddress', given_name: 'http://wso2.org/claims/givenname', family_name: 'http://wso2.org/claims/lastname' },
      roleMappings: {},
      userIdClaim: 'email',
      syncedAttributesReadOnly: true,
      createdAt: now,
      updatedAt: now,
    },
    audit('connection.create', 'Google'),
  );
  await admin.createConnection(
    {
      tenant: DEMO_TENANT,
      name: 'GitHub',
      authenticator: 'GithubAuthenticator',
      jit: JitSchema.parse({ enabled: false }),
      claimMappings: { email: 'http://wso2.org/claims/emailaddress', name: 'http://wso2.org/claims/fullname' },
      roleMappings: {},
      syncedAttributesReadOnly: false,
      createdAt: now,
      updatedAt: now,
    },
    audit('connection.create', 'GitHub'),
  );

  for (const u of DEMO_USERS) {
    await admin.createUserAudited(
      DEMO_TENANT,
      {
        username: u.username,
        userStoreDomain: 'PRIMARY',
        passwordHash: hashPassword(u.password),
        roles: [...u.roles],
        groups: [...u.groups],
        claims: { 'http://wso2.org/claims/emailaddress': u.email, 'http://wso2.org/claims/username': u.username },
        totpSecret: null,
        locked: false,
        disabled: false,
        provisionedBy: null,
      },
      audit('user.create', '', { username: u.username }),
    );
  }

  const source = await readFile(join(defaultTemplatesDir(), 'skip-mfa-external-connections', 'script.js'), 'utf8');
  const app = await admin.createApplication(
    DEMO_TENANT,
    {
      name: 'Thrift',
      steps: [
        {
          options: [
            { idp: 'LOCAL', authenticator: 'BasicAuthenticator' },
            { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' },
            { idp: 'GitHub', authenticator: 'GithubAuthenticator' },
          ],
        },
        { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
      ],
      subjectStep: 1,
      attributeStep: 1,
      scriptEnabled: true,
      draft: source,
    },
    now,
    audit('application.create', '', { name: 'Thrift' }),
  );
  await admin.publishVersion(DEMO_TENANT, app.id, { hash: versionOf(source), source, author: SEEDER, message: 'Skip MFA for external connections (the template)' }, now, audit('script.publish', app.id));
  return { adminToken: token.secret, client: { id: client.credential.id, secret: client.secret }, applicationId: app.id, users: DEMO_USERS.map((u) => ({ username: u.username, password: u.password })) };
}
