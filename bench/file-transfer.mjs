#!/usr/bin/env node
// File-transfer throughput of @eci-sandbox/exec-stream against a bare `ws` connection.
//
// Starts a small exec WebSocket server on 127.0.0.1 in a child Node process, as ECI's server is
// remote (the same protocol as ECI's exec stream: binary channel frames, no subprotocol, single-use
// `?s=` URLs, real processes; commands are registered over IPC, like ExecContainerCommand), then
// moves the same 64 MiB five ways: writeFile / readFile / readFileStream (verified, atomic) and a
// bare ws client that pushes the bytes into `head -c N > file` / pulls them from `cat file`, all
// against the same server.
//
// Fairness on a shared, noisy machine: one warm-up round (not counted), then N rounds in which the
// transfers are interleaved (ours, bare, ours, bare), so that background load hits both sides
// alike. Prints best and median MiB/s of each, and the ratio ours / bare of the medians (target
// >= 0.7). Not a test: numbers depend on the machine. Needs `pnpm --filter
// @eci-sandbox/exec-stream build` first. Usage: node bench/file-transfer.mjs [MiB] [rounds]
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { Channel, encodeFrame, readFile, readFileStream, writeFile } from '../packages/exec-stream/dist/index.js';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] === '--server' ? 0 : (process.argv[2] ?? 64));
const rounds = Number(process.argv[3] ?? 7);
const SOCKET_HIGH_WATER_BYTES = 4 * MIB;

function startServer() {
  const registry = new Map();
  const http = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  http.on('upgrade', (request, socket, head) => {
    const token = new URL(request.url, 'http://x').searchParams.get('s');
    const argv = registry.get(token);
    if (!argv) return socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    registry.delete(token);
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, argv));
  });
  function serve(ws, argv) {
    const child = spawn(argv[0], argv.slice(1), { stdio: 'pipe' });
    ws.send(encodeFrame(Channel.stdout));
    for (const [stream, channel] of [
      [child.stdout, Channel.stdout],
      [child.stderr, Channel.stderr],
    ]) {
      stream.on('data', (chunk) => {
        ws.send(encodeFrame(channel, chunk), () => {
          if (ws.bufferedAmount < SOCKET_HIGH_WATER_BYTES) stream.resume();
        });
        if (ws.bufferedAmount >= SOCKET_HIGH_WATER_BYTES) stream.pause();
      });
    }
    child.stdin.on('error', () => {});
    ws.on('message', (data) => {
      if (data[0] !== Channel.stdin) return;
      if (!child.stdin.write(data.subarray(1))) {
        ws.pause();
        child.stdin.once('drain', () => ws.resume());
      }
    });
    ws.on('close', () => child.kill('SIGKILL'));
    child.on('close', (code) => {
      if (code) ws.send(encodeFrame(Channel.status, `command terminated with non-zero exit code: exit status ${code}`));
      ws.close(1000);
    });
  }
  return new Promise((resolve) =>
    http.listen(0, '127.0.0.1', () => {
      const endpoint = `ws://127.0.0.1:${http.address().port}/exec/`;
      const register = (argv) => {
        const token = randomBytes(12).toString('hex');
        registry.set(token, argv);
        return `${endpoint}?s=${token}`;
      };
      resolve({
        launcher: async (argv) => register(argv),
        register,
        close: () =>
          new Promise((done) => {
            wss.close();
            http.close(done);
          }),
      });
    }),
  );
}

/** Bare ws: push `data` to stdin of `head -c N > path` in 256 KiB frames, wait for the close. */
async function bareWrite(server, path, data) {
  const url = await server.register(['/bin/sh', '-c', `head -c ${data.length} > '${path}'`]);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('close', resolve);
    ws.on('open', async () => {
      for (let offset = 0; offset < data.length; offset += 256 * 1024) {
        ws.send(encodeFrame(Channel.stdin, data.subarray(offset, offset + 256 * 1024)));
        if (ws.bufferedAmount > SOCKET_HIGH_WATER_BYTES) await new Promise((done) => ws.send(Buffer.alloc(0), done));
      }
    });
  });
}

/** Bare ws: pull `cat path` from stdout, counting bytes. */
async function bareRead(server, path) {
  const url = await server.register(['cat', path]);
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('message', (data) => {
      if (data[0] === Channel.stdout) bytes += data.length - 1;
    });
    ws.on('close', () => resolve(bytes));
  });
}

async function timed(action) {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

if (process.argv[2] === '--server') {
  // Child: serve, and register commands for the parent over IPC.
  const server = await startServer();
  process.on('message', (message) => process.send({ id: message.id, url: server.register(message.argv) }));
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
} else {
  await main();
}

async function startRemoteServer() {
  const child = fork(new URL(import.meta.url).pathname, ['--server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  let nextId = 0;
  await new Promise((resolve) => child.once('message', resolve));
  child.on('message', (message) => {
    waiting.get(message.id)?.(message.url);
    waiting.delete(message.id);
  });
  const register = (argv) =>
    new Promise((resolve) => {
      nextId += 1;
      waiting.set(nextId, resolve);
      child.send({ id: nextId, argv });
    });
  return {
    register,
    launcher: (argv) => register(argv),
    close: async () => {
      child.disconnect();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function main() {
  const server = await startRemoteServer();
  const directory = await mkdtemp(join(tmpdir(), 'eci-bench-files-'));
  try {
    const data = randomBytes(sizeMiB * MIB);
    const ourPath = join(directory, 'ours.bin');
    const barePath = join(directory, 'bare.bin');
    const transfers = {
      writeOurs: () => writeFile(server.launcher, ourPath, data),
      writeBare: () => bareWrite(server, barePath, data),
      readOurs: async () => {
        const back = await readFile(server.launcher, ourPath);
        if (back.length !== data.length) throw new Error('readFile returned the wrong size');
      },
      readStreamOurs: async () => {
        let bytes = 0;
        for await (const piece of readFileStream(server.launcher, ourPath)) bytes += piece.length;
        if (bytes !== data.length) throw new Error('readFileStream returned the wrong size');
      },
      readBare: async () => {
        const bytes = await bareRead(server, barePath);
        if (bytes !== data.length) throw new Error(`bare read returned ${bytes} bytes`);
      },
    };
    const seconds = Object.fromEntries(Object.keys(transfers).map((name) => [name, []]));
    for (let round = -1; round < rounds; round += 1) {
      for (const [name, action] of Object.entries(transfers)) {
        const taken = await timed(action);
        if (round >= 0) seconds[name].push(taken); // round -1 is the warm-up
      }
    }
    const rate = (value) => sizeMiB / value;
    console.log(`file transfer, ${sizeMiB} MiB, ${rounds} interleaved rounds after a warm-up, local exec server on 127.0.0.1`);
    console.log(
      '| operation | exec-stream MiB/s best | median | bare ws MiB/s best | median | ratio of medians (target >= 0.7) |',
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const [name, oursKey, bareKey] of [
      ['write', 'writeOurs', 'writeBare'],
      ['read', 'readOurs', 'readBare'],
      ['read (readFileStream)', 'readStreamOurs', 'readBare'],
    ]) {
      const ours = seconds[oursKey];
      const bare = seconds[bareKey];
      const oursMedian = rate(median(ours));
      const bareMedian = rate(median(bare));
      console.log(
        `| ${name} | ${rate(Math.min(...ours)).toFixed(1)} | ${oursMedian.toFixed(1)} | ${rate(Math.min(...bare)).toFixed(1)} | ${bareMedian.toFixed(1)} | ${(oursMedian / bareMedian).toFixed(2)} |`,
      );
    }
    console.log('exec-stream verifies size + sha256 in the sandbox and writes atomically (temp + rename); bare ws does neither.');
  } finally {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  }
}
