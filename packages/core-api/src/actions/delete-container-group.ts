import { z } from 'zod';
import { clientTokenSchema, containerGroupIdSchema, wireRequestId } from './shared.js';

export const deleteContainerGroupSchema = z.strictObject({
  containerGroupId: containerGroupIdSchema,
  /** Skip graceful termination. */
  force: z.boolean().optional(),
  /** Idempotency token; generated when omitted, and reused by retries. */
  clientToken: clientTokenSchema.optional(),
});

/** Input of `deleteContainerGroup`. */
export type DeleteContainerGroupOptions = z.input<typeof deleteContainerGroupSchema>;

export function deleteContainerGroupToWire(
  input: z.output<typeof deleteContainerGroupSchema>,
  clientToken: string,
): Record<string, unknown> {
  return { ContainerGroupId: input.containerGroupId, Force: input.force, ClientToken: clientToken };
}

/** Result of actions that only return a request ID. */
export const requestIdResultSchema = z
  .looseObject({ RequestId: wireRequestId })
  .transform((body) => ({ requestId: body.RequestId ?? '' }));

/** Result of `deleteContainerGroup` and `restartContainerGroup`. */
export type RequestIdResult = z.output<typeof requestIdResultSchema>;
