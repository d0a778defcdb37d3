/**
 * A small exec WebSocket server for tests: a registry of token → argv (like ExecContainerCommand),
 * real processes, the binary channel protocol with no subprotocol, plus v4/v5 when offered.
 * It sends the readiness frame, closes when the command exits, and can cut a stream mid-output
 * (killing the command, or leaving it running as a real network cut may).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { Channel, SUBPROTOCOL_V4, SUBPROTOCOL_V5, encodeExitStatus, encodeFrame } from '../../src/frame.js';
import type { ExecLauncher } from '../../src/launcher.js';
import { shellQuote } from '../../src/shell-encode.js';

export interface ExecRegistration {
  argv: string[];
  stdin: boolean;
  tty: boolean;
  /** Cut the stream (terminate the socket) after this many stdout bytes were sent. */
  cutAfterStdoutBytes?: number;
  /**
   * When the stream is cut (or dropped), leave the command running, as a real network cut may:
   * only the connection goes. Default false (the command is killed with its stream).
   */
  keepProcessOnCut?: boolean;
  /** Terminal sizes received on channel 4, in order. */
  resizes?: Array<{ Width: number; Height: number }>;
}

export interface ExecServer {
  /** ws://127.0.0.1:PORT/exec/ */
  readonly endpoint: string;
  /** Registers a command and returns its single-use URL, as ExecContainerCommand would. */
  register(registration: ExecRegistration): string;
  /** A launcher over `register`; `launcherCalls` counts its calls. */
  launcher: ExecLauncher;
  readonly launcherCalls: number;
  /** Argv of every launch, in order. */
  readonly launches: ExecRegistration[];
  /** Makes the next launches' streams cut after `bytes` of stdout. */
  cutNextStream(bytes: number): void;
  /** Terminates every open stream (a dropped connection). */
  dropAll(): void;
  /** Number of commands still running. */
  readonly running: number;
  close(): Promise<void>;
}

const SOCKET_HIGH_WATER_BYTES = 4 * 1024 * 1024;

export async function startExecServer(): Promise<ExecServer> {
  const registry = new Map<string, ExecRegistration>();
  const sockets = new Set<WebSocket>();
  const children = new Set<ChildProcess>();
  const launches: ExecRegistration[] = [];
  let launcherCalls = 0;
  let pendingCut: number | undefined;

  const http = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (protocols) =>
      protocols.has(SUBPROTOCOL_V5) ? SUBPROTOCOL_V5 : protocols.has(SUBPROTOCOL_V4) ? SUBPROTOCOL_V4 : false,
  });

  http.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('s') ?? '';
    const registration = url.pathname === '/exec/' ? registry.get(token) : undefined;
    if (!registration) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    registry.delete(token); // single use
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, registration));
  });

  function serve(ws: WebSocket, registration: ExecRegistration): void {
    sockets.add(ws);
    const statusProtocol = ws.protocol === SUBPROTOCOL_V4 || ws.protocol === SUBPROTOCOL_V5;
    // A terminal comes from util-linux `script`, which runs the command on a pty.
    const [command, ...args] = registration.tty
      ? ['script', '-qfec', registration.argv.map((word) => shellQuote(word)).join(' '), '/dev/null']
      : registration.argv;
    const child = spawn(command as string, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: registration.tty ? { ...process.env, SHELL: '/bin/sh' } : process.env,
    });
    children.add(child);
    let stdoutSent = 0;
    let cut = false;
    let spawnError: Error | undefined;

    const killChild = (): void => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };

    // Readiness: an empty frame on the lowest output channel.
    ws.send(encodeFrame(Channel.stdout));

    const forward = (stream: NodeJS.ReadableStream & { pause(): void; resume(): void }, channel: number): void => {
      stream.on('data', (chunk: Buffer) => {
        if (cut || ws.readyState !== ws.OPEN) return;
        let data = chunk;
        const limit = channel === Channel.stdout ? registration.cutAfterStdoutBytes : undefined;
        if (limit !== undefined && stdoutSent + data.length >= limit) {
          data = data.subarray(0, limit - stdoutSent);
          cut = true;
        }
        if (channel === Channel.stdout) stdoutSent += data.length;
        if (data.length > 0) {
          ws.send(encodeFrame(channel, data), () => {
            if (ws.bufferedAmount < SOCKET_HIGH_WATER_BYTES) stream.resume();
          });
        }
        if (ws.bufferedAmount >= SOCKET_HIGH_WATER_BYTES) stream.pause();
        if (cut) {
          // Let the partial output reach the client, then drop the connection.
          ws.send(Buffer.alloc(0), () => ws.terminate());
          if (!registration.keepProcessOnCut) killChild();
        }
      });
    };
    forward(child.stdout!, Channel.stdout);
    forward(child.stderr!, Channel.stderr);
    child.stdin!.on('error', () => undefined);
    child.on('error', (error) => {
      spawnError = error;
    });

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data.length === 0) return;
      const channel = data[0];
      const payload = data.subarray(1);
      if (channel === Channel.stdin && registration.stdin) {
        if (!child.stdin!.write(payload)) {
          ws.pause();
          child.stdin!.once('drain', () => ws.resume());
        }
      } else if (channel === Channel.close && payload[0] === Channel.stdin && ws.protocol === SUBPROTOCOL_V5) {
        child.stdin!.end();
      }
      if (channel === Channel.resize) {
        // Recorded for tests; `script` gives no way to resize its pty from outside.
        registration.resizes = [...(registration.resizes ?? []), JSON.parse(payload.toString('utf8'))];
      }
    });
    ws.on('close', () => {
      sockets.delete(ws);
      if (!registration.keepProcessOnCut) killChild();
    });

    child.on('close', (code, signal) => {
      children.delete(child);
      if (cut || ws.readyState !== ws.OPEN) return;
      const exitCode = spawnError ? 127 : (code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 1));
      if (spawnError) ws.send(encodeFrame(Channel.status, `exec failed: ${spawnError.message}`));
      else if (statusProtocol) ws.send(encodeExitStatus(exitCode));
      else if (exitCode !== 0) {
        // What Kubernetes sends without a subprotocol: plain text, nothing on success.
        ws.send(encodeFrame(Channel.status, `command terminated with non-zero exit code: exit status ${exitCode}`));
      }
      ws.close(1000);
    });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const endpoint = `ws://127.0.0.1:${port}/exec/`;

  const register = (registration: ExecRegistration): string => {
    const token = randomBytes(12).toString('hex');
    const entry = registration;
    if (pendingCut !== undefined && entry.cutAfterStdoutBytes === undefined) entry.cutAfterStdoutBytes = pendingCut;
    registry.set(token, entry);
    launches.push(entry);
    return `${endpoint}?s=${token}`;
  };

  return {
    endpoint,
    register,
    launcher: async (argv, options) => {
      launcherCalls += 1;
      return register({ argv, stdin: options.stdin, tty: options.tty });
    },
    get launcherCalls() {
      return launcherCalls;
    },
    launches,
    cutNextStream(bytes: number) {
      pendingCut = bytes;
    },
    dropAll() {
      pendingCut = undefined;
      for (const socket of sockets) socket.terminate();
    },
    get running() {
      return children.size;
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      for (const child of children) {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
