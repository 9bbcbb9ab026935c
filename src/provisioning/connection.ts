/**
 * A connection (federated IdP) and its JIT provisioning settings, in the public format of
 * shared/SCENARIOS.md: the simulator, the flow engine and (later) the admin API share it.
 */
import { z } from 'zod';

const StringMap = z.record(z.string(), z.string());

export const JitSchemeSchema = z.enum(['silent', 'prompt-consent', 'prompt-password-consent', 'prompt-username-password-consent']);
export const AttributeSyncSchema = z.enum(['override', 'preserve-local', 'none']);

export const JitSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** A user store name, or AS_IN_USERNAME (the domain prefix of the provisioned username). */
    userStore: z.string().min(1).default('PRIMARY'),
    scheme: JitSchemeSchema.default('silent'),
    associateLocalUser: z.boolean().default(false),
    lookupAttributes: z.array(z.string().min(1)).default(['email']),
    attributeSync: AttributeSyncSchema.default('override'),
    /**
     * authscript: associate on lookup attributes even when the IdP does not assert a verified
     * email. Off by default: an unverified email is never enough to take over a local account.
     */
    associateWithoutVerifiedEmail: z.boolean().default(false),
    /**
     * WSO2's "enhanced" JIT: the username is the federated unique id (stable, derived from the
     * connection and the IdP's subject) instead of the user id claim or the subject.
     */
    enhanced: z.boolean().default(false),
    /**
     * false: provision from a durable queue after the step instead of during it. The login goes on
     * as a pass-through federated login (a later step that needs a local account fails with
     * LOCAL_ACCOUNT_REQUIRED); the account appears when the queue is processed. Silent scheme only.
     */
    blocking: z.boolean().default(true),
  })
  .strict()
  .superRefine((jit, ctx) => {
    if (!jit.blocking && jit.scheme !== 'silent') {
      ctx.addIssue({ code: 'custom', path: ['blocking'], message: `non-blocking provisioning cannot ask the user anything: use the silent scheme (got "${jit.scheme}")` });
    }
  });

export const ConnectionSchema = z
  .object({
    name: z.string().min(1),
    jit: JitSchema.default(JitSchema.parse({})),
    claimMappings: StringMap.default({}),
    userIdClaim: z.string().min(1).optional(),
    roleMappings: StringMap.default({}),
    groupsClaim: z.string().min(1).optional(),
  })
  .strict();

export type Connection = z.infer<typeof ConnectionSchema>;
export type ConnectionInput = z.input<typeof ConnectionSchema>;
export type JitSettings = z.infer<typeof JitSchema>;
