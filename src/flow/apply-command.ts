/**
 * Applies one command of a script to the world, exactly once: the engine calls it only for
 * commands past those the flow already applied.
 */
import type { Command } from '../../runtime/protocol.js';
import type { FlowRecord, Store } from '../store/types.js';

export async function applyCommand(flow: FlowRecord, command: Command, store: Store): Promise<void> {
  switch (command.kind) {
    case 'setLocalClaim': {
      const user = await store.getUser(flow.tenant, command.userStoreDomain ?? 'PRIMARY', command.username);
      if (user === null) return;
      const claims = { ...user.claims };
      if (command.value === null) delete claims[command.claim];
      else claims[command.claim] = command.value;
      await store.updateUser(flow.tenant, user.id, { claims });
      return;
    }
    case 'setRuntimeClaim':
    case 'setSelectedAcr':
    case 'setResponseHeader':
    case 'setEndpointParam':
      return; // state of the flow itself: read back from its effects
    default: {
      const never: never = command;
      throw new TypeError(`unknown command ${JSON.stringify(never)}`);
    }
  }
}
