/* What the host hands the prelude when it builds it (runtime/host/guest-source.ts). */

/** The tenant's limits (runtime/protocol.ts LimitsSchema). */
declare const CONFIG: {
  readonly maxCollectionLength: number;
  readonly maxBufferBytes: number;
  readonly resultDepth: number;
  readonly resultBytes: number;
  readonly hostCallsPerRun: number;
  readonly journalEvents: number;
  readonly commandsPerFlow: number;
  readonly logLinesPerFlow: number;
  readonly logBytesPerFlow: number;
  readonly queuedNodesPerFlow: number;
  readonly asyncCallsPerFlow: number;
};

/** The one call into the host: a JSON request in, a JSON answer out. */
declare function HOST_CALL(request: string): string;
