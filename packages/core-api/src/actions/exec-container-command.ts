import { z } from 'zod';
import { containerGroupIdSchema, wireRequestId } from './shared.js';

export const execContainerCommandSchema = z
  .strictObject({
    containerGroupId: containerGroupIdSchema,
    containerName: z.string({ error: 'must name a container of the group' }).min(1, 'must not be empty'),
    /** The argv, e.g. `['/bin/sh', '-c', 'ls -a']`; sent as a JSON array string. */
    command: z
      .array(z.string(), { error: 'must be an argv list such as ["/bin/sh", "-c", "ls"]' })
      .min(1, 'must hold at least the program to run'),
    /** Allocate a terminal. Default false. */
    tty: z.boolean().default(false),
    /** Attach stdin. Default false (ECI's own default is true, so it is always sent explicitly). */
    stdin: z.boolean().default(false),
    /** Run synchronously and return the output in `syncResponse` (TTY must be off). Default false. */
    sync: z.boolean().default(false),
  })
  .refine((input) => !(input.sync && input.tty), {
    path: ['tty'],
    message: 'must be false when sync is true (ECI cannot return synchronous output from a terminal)',
  });

/** Input of `execContainerCommand`. */
export type ExecContainerCommandOptions = z.input<typeof execContainerCommandSchema>;

export function execContainerCommandToWire(input: z.output<typeof execContainerCommandSchema>): Record<string, unknown> {
  return {
    ContainerGroupId: input.containerGroupId,
    ContainerName: input.containerName,
    Command: JSON.stringify(input.command),
    TTY: input.tty,
    Stdin: input.stdin,
    Sync: input.sync,
  };
}

export const execContainerCommandResultSchema = z
  .looseObject({
    RequestId: wireRequestId,
    WebSocketUri: z.string().optional(),
    HttpUrl: z.string().optional(),
    SyncResponse: z.string().optional(),
  })
  .transform((body) => ({
    requestId: body.RequestId ?? '',
    /** The exec stream (`wss://…/exec/?s=<token>`); connect at once, treat as single-use and secret. */
    webSocketUri: body.WebSocketUri || undefined,
    /** Browser terminal URL, valid for 30 s. */
    httpUrl: body.HttpUrl || undefined,
    /** Command output, only when `sync` was true. */
    syncResponse: body.SyncResponse,
  }));

/** Result of `execContainerCommand`. */
export type ExecContainerCommandResult = z.output<typeof execContainerCommandResultSchema>;
