/**
 * The exec stream's framing, as Kubernetes' channel protocol defines it and ECI is believed to use
 * (see shared/docs/eci-protocol.md §3): every binary message starts with one channel byte.
 */

/** Channel numbers of the exec stream. */
export const Channel = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  /** Status or error: a JSON `metav1.Status` under v4/v5, plain error text otherwise. */
  status: 3,
  /** Terminal size, JSON `{"Width":…,"Height":…}`, client to server. */
  resize: 4,
  /** v5 only: `[255, channel]` closes that channel (stdin EOF). */
  close: 255,
} as const;

export type ChannelNumber = (typeof Channel)[keyof typeof Channel];

/** Subprotocols the exec stream understands; the empty one is the raw binary protocol. */
export const SUBPROTOCOL_V4 = 'v4.channel.k8s.io';
export const SUBPROTOCOL_V5 = 'v5.channel.k8s.io';

export interface Frame {
  channel: number;
  payload: Uint8Array;
}

/** Builds one binary message: the channel byte followed by the payload. */
export function encodeFrame(channel: number, payload: Uint8Array | string = new Uint8Array(0)): Buffer {
  if (!Number.isInteger(channel) || channel < 0 || channel > 255) {
    throw new RangeError(`channel must be an integer from 0 to 255, got ${channel}`);
  }
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const message = Buffer.allocUnsafe(body.length + 1);
  message[0] = channel;
  message.set(body, 1);
  return message;
}

/**
 * Splits one received message into channel and payload. Text messages are tolerated (taken as
 * stdout, as the public ECI clients do); an empty message carries nothing and returns `undefined`.
 * The payload is a view into the message, not a copy.
 */
export function decodeFrame(data: Uint8Array | string, isBinary = typeof data !== 'string'): Frame | undefined {
  if (!isBinary || typeof data === 'string') {
    const text = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return text.length === 0 ? undefined : { channel: Channel.stdout, payload: text };
  }
  if (data.length === 0) return undefined;
  return { channel: data[0] as number, payload: data.subarray(1) };
}

/** The resize message for a terminal of `cols` × `rows`. */
export function encodeResize(cols: number, rows: number): Buffer {
  return encodeFrame(Channel.resize, JSON.stringify({ Width: cols, Height: rows }));
}

/** The v5 close message for one channel (`[255, channel]`). */
export function encodeClose(channel: number): Buffer {
  return Buffer.from([Channel.close, channel]);
}

/** What a channel-3 message says about the command's end. */
export type StatusMessage = { kind: 'exit'; exitCode: number } | { kind: 'error'; message: string };

/**
 * Reads a channel-3 payload: a JSON `metav1.Status` (v4/v5) gives an exit code; any other text is
 * an error message from the server.
 */
export function parseStatus(payload: Uint8Array): StatusMessage {
  const text = Buffer.from(payload).toString('utf8');
  let status: unknown;
  try {
    status = JSON.parse(text);
  } catch {
    return { kind: 'error', message: text };
  }
  if (typeof status !== 'object' || status === null) return { kind: 'error', message: text };
  const record = status as {
    status?: unknown;
    reason?: unknown;
    message?: unknown;
    details?: { causes?: Array<{ reason?: unknown; message?: unknown }> };
  };
  if (record.status === 'Success') return { kind: 'exit', exitCode: 0 };
  if (record.reason === 'NonZeroExitCode') {
    const cause = record.details?.causes?.find((item) => item.reason === 'ExitCode');
    const exitCode = Number(cause?.message);
    if (Number.isInteger(exitCode)) return { kind: 'exit', exitCode };
  }
  return { kind: 'error', message: typeof record.message === 'string' ? record.message : text };
}

/** The JSON `metav1.Status` a v4/v5 server sends for an exit code. */
export function encodeExitStatus(exitCode: number): Buffer {
  const status =
    exitCode === 0
      ? { metadata: {}, status: 'Success' }
      : {
          metadata: {},
          status: 'Failure',
          message: `command terminated with non-zero exit code: exit status ${exitCode}`,
          reason: 'NonZeroExitCode',
          details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
        };
  return encodeFrame(Channel.status, JSON.stringify(status));
}
