/**
 * What every engine runs: the WSO2 "role-based" step-up template, one application with a password
 * step and a TOTP step, a journal in which step 1 has succeeded for alice, and a user store that
 * answers the role read synchronously. Each run replays step 1, reads alice's roles from the host,
 * logs one line and ends waiting for step 2.
 */
import { RunInputSchema, type JournalEventInput, type RunInput } from '../../runtime/protocol.js';
import type { HostHandler } from '../../runtime/host/tenant-isolate.js';

/** The WSO2 / Asgardeo "Role-Based" conditional-authentication template (20 lines). */
export const ROLE_BASED_STEP_UP = `// Role-based step-up: users in one of these roles also pass step 2 (TOTP).
// Based on the WSO2 Identity Server "Role-Based" conditional-authentication template.
// If the user has any of the below roles, authentication will be stepped up.
var rolesToStepUp = ['admin', 'manager'];

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            // Extracting authenticated subject from the first step
            var user = context.currentKnownSubject;
            // Checking if the user is assigned to one of the given roles
            var hasRole = hasAnyOfTheRoles(user, rolesToStepUp);
            if (hasRole) {
                Log.info(user.username + ' has one of the roles ' + rolesToStepUp.toString());
                executeStep(2);
            }
        }
    });
};
// End of the template.
`;

export const T0 = Date.parse('2026-11-23T10:00:00Z');

export const APPLICATION = {
  name: 'Thrift',
  steps: [
    { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] },
    { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
  ],
};

export const ALICE = {
  username: 'alice',
  userStoreDomain: 'PRIMARY',
  roles: ['admin'],
  groups: ['managers'],
  localClaims: { 'http://wso2.org/claims/emailaddress': 'alice@example.com' },
};

export const JOURNAL: JournalEventInput[] = [
  { kind: 'started', at: T0, seed: 7 },
  { kind: 'step', at: T0 + 1000, step: 1, outcome: 'success', idp: 'LOCAL', authenticator: 'BasicAuthenticator', subject: ALICE },
];

/** Validated once, as the flow engine does when it builds a run. */
export const RUN_INPUT: RunInput = RunInputSchema.parse({ application: APPLICATION, journal: JOURNAL });

/** The user store behind the synchronous host read. */
export const USER_ROLES: ReadonlyMap<string, readonly string[]> = new Map([
  ['alice', ['admin']],
  ['bob', ['staff']],
]);

export function rolesOf(username: string): string[] {
  return [...(USER_ROLES.get(username) ?? [])];
}

/** authscript's host: answers getRolesOfUser from the user store, at once. */
export const userStoreHost: HostHandler = (call) => {
  if (call.call === 'getRolesOfUser') {
    const args = call.args;
    const username = typeof args === 'object' && args !== null && !Array.isArray(args) ? args['username'] : undefined;
    return { kind: 'value', value: typeof username === 'string' ? rolesOf(username) : [] };
  }
  return { kind: 'value', value: null };
};

/** What each engine reports about one run, to check they all did the same thing. */
export interface RunSummary {
  readonly waitingForStep: number | null;
  readonly logs: readonly string[];
  readonly hostCalls: number;
}

export const EXPECTED_LOG = 'alice has one of the roles admin,manager';

export function checkSummary(engine: string, s: RunSummary): void {
  const ok = s.waitingForStep === 2 && s.hostCalls === 1 && s.logs.length === 1 && s.logs[0] === EXPECTED_LOG;
  if (!ok) throw new Error(`${engine} did not run the script as expected: ${JSON.stringify(s)}`);
}
