import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Channel, SUBPROTOCOL_V4, SUBPROTOCOL_V5, decodeFrame, encodeExitStatus, encodeFrame } from '@eci-sandbox/exec-stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FaultInjector } from '../faults.js';
import type { CallLog } from '../call-log.js';
import type { ExecHandle } from '../runtime/types.js';
import type { ContainerGroupStore } from './container-group.js';
import type { ExecGrant, ExecTokenStore } from './exec-tokens.js';

/** Pause the process's output when this much is waiting in the socket, resume below the low mark. */
const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;

export interface ExecServerOptions {
  store: ContainerGroupStore;
  tokens: ExecTokenStore;
  faults: FaultInjector;
  calls: CallLog;
}

/**
 * The exec WebSocket at `/exec/?s=TOKEN`: Kubernetes' channel protocol. No subprotocol means the
 * raw binary protocol (what ECI's public clients use); `v4.channel.k8s.io` and `v5.channel.k8s.io`
 * are chosen when offered (JSON exit status, and for v5 the stdin close message).
 */
export class ExecServer {
  private readonly server: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly handles = new Set<ExecHandle>();

  constructor(private readonly options: ExecServerOptions) {
    this.server = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (protocols) => {
        if (protocols.has(SUBPROTOCOL_V5)) return SUBPROTOCOL_V5;
        if (protocols.has(SUBPROTOCOL_V4)) return SUBPROTOCOL_V4;
        return false;
      },
    });
  }

  /** Handles an HTTP upgrade for `/exec/`; refuses used, expired and unknown tokens. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const token = url.searchParams.get('s') ?? '';
    const grant = token ? this.options.tokens.consume(token) : 'unknown';
    if (typeof grant === 'string') {
      const [status, reason] = grant === 'unknown' ? [404, 'Not Found'] : [403, 'Forbidden'];
      const message =
        grant === 'used' ? 'this exec URL was used already' : grant === 'expired' ? 'this exec URL expired' : 'no such exec URL';
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`,
      );
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.serve(ws, grant));
  }

  private serve(ws: WebSocket, grant: ExecGrant): void {
    this.sockets.add(ws);
    this.options.calls.recordStream();
    ws.once('close', () => this.sockets.delete(ws));
    const group = this.options.store.groups.get(grant.groupId);
    const protocol = ws.protocol;
    const structuredStatus = protocol === SUBPROTOCOL_V4 || protocol === SUBPROTOCOL_V5;
    if (!group?.sandbox || group.status !== 'Running') {
      const text = `container ${grant.containerName} is not running`;
      ws.send(
        encodeFrame(
          Channel.status,
          structuredStatus ? JSON.stringify({ metadata: {}, status: 'Failure', message: text, reason: 'InternalError' }) : text,
        ),
      );
      ws.close(1000);
      return;
    }
    let handle: ExecHandle;
    try {
      handle = group.sandbox.exec({ argv: grant.argv, tty: grant.tty });
    } catch (error) {
      ws.send(encodeFrame(Channel.status, `failed to start the command: ${(error as Error).message}`));
      ws.close(1000);
      return;
    }
    this.handles.add(handle);
    if (!grant.stdin) handle.stdin.end();

    // Readiness: an empty frame on the lowest writable channel (stdout), as the kubelet sends.
    ws.send(encodeFrame(Channel.stdout));

    let dropAfter = this.options.faults.forStream();
    let finished = false;
    const outputs = [handle.stdout, handle.stderr].filter((stream) => stream !== null);
    const resumeWhenDrained = () => {
      if (ws.bufferedAmount <= LOW_WATER_BYTES) {
        for (const stream of outputs) if (stream.isPaused()) stream.resume();
      }
    };
    const forward = (channel: number) => (chunk: Buffer) => {
      if (finished || ws.readyState !== ws.OPEN) return;
      ws.send(encodeFrame(channel, chunk), resumeWhenDrained);
      if (ws.bufferedAmount > HIGH_WATER_BYTES) for (const stream of outputs) stream.pause();
      if (dropAfter !== undefined) {
        dropAfter -= chunk.length;
        if (dropAfter <= 0) {
          // Fault: the stream breaks after some output, before any exit status.
          finished = true;
          handle.kill('SIGKILL');
          ws.terminate();
        }
      }
    };
    handle.stdout.on('data', forward(Channel.stdout));
    handle.stderr?.on('data', forward(Channel.stderr));

    ws.on('message', (data, isBinary) => {
      const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      // Text frames are tolerated: a leading channel character is honoured, otherwise it is stdin.
      const frame = isBinary
        ? decodeFrame(raw, true)
        : raw.length > 0 && raw[0]! <= Channel.resize
          ? decodeFrame(raw, true)
          : raw.length > 0
            ? { channel: Channel.stdin, payload: raw }
            : undefined;
      if (!frame) return;
      if (frame.channel === Channel.stdin) {
        if (grant.stdin && !handle.stdin.writableEnded && frame.payload.length > 0)
          handle.stdin.write(Buffer.from(frame.payload));
      } else if (frame.channel === Channel.resize) {
        try {
          const size = JSON.parse(Buffer.from(frame.payload).toString('utf8')) as Record<string, unknown>;
          const cols = Number(size.Width ?? size.width);
          const rows = Number(size.Height ?? size.height);
          if (Number.isInteger(cols) && Number.isInteger(rows) && cols > 0 && rows > 0) handle.resize(cols, rows);
        } catch {
          // a malformed resize message is ignored, as the kubelet does
        }
      } else if (frame.channel === Channel.close && protocol === SUBPROTOCOL_V5) {
        if (frame.payload[0] === Channel.stdin) handle.stdin.end();
      }
    });
    ws.on('close', () => {
      if (!finished) handle.kill('SIGKILL');
    });
    ws.on('error', () => undefined);

    void (async () => {
      const exitCode = await handle.exited;
      await Promise.all(
        outputs.map((stream) => (stream.readableEnded ? undefined : new Promise((resolve) => stream.once('end', resolve)))),
      );
      this.handles.delete(handle);
      if (finished || ws.readyState !== ws.OPEN) return;
      finished = true;
      if (structuredStatus) ws.send(encodeExitStatus(exitCode));
      else if (exitCode !== 0)
        ws.send(encodeFrame(Channel.status, `command terminated with non-zero exit code: exit status ${exitCode}`));
      ws.close(1000);
    })();
  }

  /** Closes every stream and kills its process. */
  close(): void {
    for (const handle of this.handles) handle.kill('SIGKILL');
    for (const ws of this.sockets) ws.terminate();
    this.server.close();
  }
}
