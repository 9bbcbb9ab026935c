/**
 * Errors of the flow API, with stable codes: the caller (an identity server, the simulator) sent
 * something that does not fit the flow. They change nothing: the flow is saved only after the
 * interaction was accepted.
 */
export type FlowErrorCode =
  | 'FLOW_NOT_FOUND'
  | 'FLOW_ENDED'
  | 'INTERACTION_MISMATCH'
  | 'INTERACTION_INVALID'
  /** The step's authenticator will not challenge again now (a resend too soon or over its limit); nothing changed. */
  | 'CHALLENGE_REFUSED';

export class FlowError extends Error {
  override readonly name = 'FlowError';
  constructor(
    readonly code: FlowErrorCode,
    message: string,
  ) {
    super(message);
  }
}
