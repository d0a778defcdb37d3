import { z } from 'zod';
import { clientTokenSchema, containerGroupIdSchema } from './shared.js';

export const restartContainerGroupSchema = z.strictObject({
  /** Only Pending or Running groups can be restarted. */
  containerGroupId: containerGroupIdSchema,
  /** Idempotency token; generated when omitted, and reused by retries. */
  clientToken: clientTokenSchema.optional(),
});

/** Input of `restartContainerGroup`. */
export type RestartContainerGroupOptions = z.input<typeof restartContainerGroupSchema>;

export function restartContainerGroupToWire(
  input: z.output<typeof restartContainerGroupSchema>,
  clientToken: string,
): Record<string, unknown> {
  return { ContainerGroupId: input.containerGroupId, ClientToken: clientToken };
}
