import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBed } from './helpers.js';
import { startTestBed } from './helpers.js';

/** A tiny HTTP proxy: forwards absolute-URI requests and tunnels CONNECT; counts both. */
async function startProxy(): Promise<{
  url: string;
  forwarded: string[];
  tunnels: string[];
  upgrades: string[];
  close(): Promise<void>;
}> {
  const forwarded: string[] = [];
  const tunnels: string[] = [];
  /** Paths of WebSocket upgrade requests seen inside tunnels (query dropped: it holds the token). */
  const upgrades: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming, outgoing) => {
    const target = new URL(incoming.url ?? '');
    forwarded.push(target.host);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: incoming.method,
        headers: incoming.headers,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (incoming, clientSocket: Socket, head) => {
    tunnels.push(incoming.url ?? '');
    const [host, port] = (incoming.url ?? '').split(':');
    clientSocket.once('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (/\r\nupgrade: websocket\r\n/i.test(text)) upgrades.push(text.split(' ')[1]?.split('?')[0] ?? '');
    });
    const upstream = connect(Number(port), host, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    tunnels,
    upgrades,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('proxy', () => {
  let bed: TestBed;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    bed = await startTestBed();
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy?.close();
    await bed?.close();
  });

  it('sends API requests and exec WebSockets through the proxy', async () => {
    const client = bed.newClient({ env: { HTTPS_PROXY: proxy.url } });
    const created = await client.create({ image: 'alpine:3', waitUntilRunning: true });
    expect(created.errorMessage).toBe('');
    try {
      const result = await created.sandbox!.bash('echo via-proxy');
      expect(result.stdout).toBe('via-proxy\n');
      const emulatorHost = new URL(bed.emulator.endpoint).host;
      // undici's ProxyAgent tunnels (CONNECT) even to http:// targets; the WebSocket does too.
      const apiCalls = bed.emulator.calls.length;
      expect(apiCalls).toBeGreaterThanOrEqual(3); // create, status poll(s), exec
      const through = [...proxy.forwarded, ...proxy.tunnels];
      expect(through.length).toBeGreaterThanOrEqual(2); // at least one API connection and the WebSocket
      expect(new Set(through)).toEqual(new Set([emulatorHost]));
      expect(bed.emulator.calls.execStreams).toBe(1);
      expect(proxy.upgrades).toEqual(['/exec/']);
    } finally {
      await created.sandbox?.delete({ force: true });
    }
  });
});
