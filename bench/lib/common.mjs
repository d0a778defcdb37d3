// Shared pieces of the benchmarks: an emulator with a client, statistics, tables, a bare signed
// RPC call (the baseline's wire work done by hand) and a bare exec WebSocket.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { EMPTY_PAYLOAD_SHA256, percentEncode, signAcs3 } from '../../packages/core-api/dist/index.js';
import { startEmulator } from '../../packages/emulator/dist/index.js';
import { Channel, encodeFrame } from '../../packages/exec-stream/dist/index.js';
import { EciSandbox } from '../../packages/sdk/dist/index.js';

export const MIB = 1024 * 1024;

/**
 * An emulator (process runtime, no scheduling delay) and a client factory for it. The client
 * reads nothing from the machine's environment or .env files.
 */
export async function startBed({ emulatorOptions = {}, clientOptions = {} } = {}) {
  const emulator = await startEmulator({ runtime: 'process', schedulingMs: 0, pendingMs: 0, ...emulatorOptions });
  const cwd = mkdtempSync(join(tmpdir(), 'eci-bench-'));
  const newClient = (options = {}) =>
    new EciSandbox({
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      endpoint: emulator.endpoint,
      regionId: emulator.regionId,
      env: {},
      cwd,
      useDefaultCredentialChain: false,
      ...clientOptions,
      ...options,
    });
  const client = newClient();
  const sandboxes = [];
  return {
    emulator,
    client,
    newClient,
    /** Creates a running sandbox, deleted by close(). */
    async createSandbox(options = {}) {
      const created = await client.create({ image: 'ubuntu:24.04', waitUntilRunning: true, ...options });
      if (!created.success) throw new Error(`create failed: ${created.errorMessage}`);
      sandboxes.push(created.sandbox);
      return created.sandbox;
    },
    async close() {
      await Promise.all(sandboxes.map((sandbox) => sandbox.delete({ force: true })));
      await emulator.close();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/** One signed ExecContainerCommand by hand: node:crypto via signAcs3, fetch, JSON. Returns the WebSocketUri. */
export async function bareExecCommand(emulator, { sandboxId, containerName, argv, stdin = false }) {
  const url = new URL(emulator.endpoint);
  const query = {
    RegionId: emulator.regionId,
    ContainerGroupId: sandboxId,
    ContainerName: containerName,
    Command: JSON.stringify(argv),
    Stdin: String(stdin),
    TTY: 'false',
    Sync: 'false',
  };
  const headers = {
    host: url.host,
    'x-acs-action': 'ExecContainerCommand',
    'x-acs-version': '2018-08-08',
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': EMPTY_PAYLOAD_SHA256,
  };
  const { authorization } = signAcs3({
    method: 'POST',
    pathname: '/',
    query,
    headers,
    payloadHash: EMPTY_PAYLOAD_SHA256,
    accessKeyId: emulator.credentials.accessKeyId,
    accessKeySecret: emulator.credentials.accessKeySecret,
  });
  const { host: _host, ...sent } = headers;
  const search = Object.keys(query)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(query[name])}`)
    .join('&');
  const response = await fetch(`${url.origin}/?${search}`, { method: 'POST', headers: { ...sent, authorization } });
  const body = await response.json();
  if (!response.ok || typeof body.WebSocketUri !== 'string')
    throw new Error(`bare ExecContainerCommand failed: HTTP ${response.status} ${body.Code}`);
  return body.WebSocketUri;
}

/** Opens a bare ws exec stream, optionally pushes stdin, reads to close. Resolves with stdout bytes received. */
export function bareStream(url, { stdin } = {}) {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on('error', reject);
    socket.on('message', (data) => {
      if (data[0] === Channel.stdout) bytes += data.length - 1;
    });
    socket.on('close', () => resolve(bytes));
    if (stdin) {
      socket.on('open', async () => {
        const frameBytes = 256 * 1024;
        for (let offset = 0; offset < stdin.length; offset += frameBytes) {
          socket.send(encodeFrame(Channel.stdin, stdin.subarray(offset, offset + frameBytes)));
          if (socket.bufferedAmount > 4 * MIB) await new Promise((done) => socket.send(Buffer.alloc(0), done));
        }
      });
    }
  });
}

export function percentile(values, fraction) {
  const sorted = [...values].sort((left, right) => left - right);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index];
}

export const median = (values) => percentile(values, 0.5);

export async function timedMs(action) {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

/** A markdown table from a header row and rows. */
export function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** Fails the benchmark loudly when a command result is not what it should be. */
export function check(result, what) {
  if (!result.success) throw new Error(`${what} failed: ${result.errorMessage}`);
  return result;
}
