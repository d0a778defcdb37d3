import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '@eci-sandbox/emulator';
import { startEmulator } from '@eci-sandbox/emulator';
import { EciSandbox } from '@eci-sandbox/sdk';

// Secrets never leave: the access key secret, the STS token, every signature the client sent and
// every exec URL token (`?s=`) must appear nowhere in what users see — logs at debug level, result
// messages, error messages and stacks, CLI output with --debug — even when calls fail (faults on).

const CLI = resolve(fileURLToPath(new URL('../../apps/cli/dist/cli.js', import.meta.url)));
const FAULTS = {
  seed: 3,
  throttleRate: 0.15,
  serverErrorRate: 0.1,
  connectionResetRate: 0.05,
  dropStreamRate: 0.1,
  dropStreamAfterBytes: 8,
};
const ACCESS_KEY_SECRET = 'SecretKey0123456789abcdefghijKLMN';
const SECURITY_TOKEN = 'CAIS-sts-token-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef';

/** What went over the wire: the signatures sent and the exec tokens handed out. */
interface Captured {
  signatures: Set<string>;
  execTokens: Set<string>;
}

function captureRequest(captured: Captured, url: URL, authorization: string | undefined): void {
  const v1 = url.searchParams.get('Signature');
  if (v1) captured.signatures.add(v1);
  const v3 = authorization && /Signature=([0-9a-f]+)/i.exec(authorization)?.[1];
  if (v3) captured.signatures.add(v3);
}

function captureResponse(captured: Captured, text: string): void {
  for (const match of text.matchAll(/[?&]s=([A-Za-z0-9_\-%.~]+)/g)) captured.execTokens.add(decodeURIComponent(match[1]!));
}

/** A reverse proxy in front of the emulator that records signatures and exec tokens (the CLI's wire). */
async function startRecordingProxy(emulator: Emulator, captured: Captured): Promise<Server> {
  // The Host header is signed: forward it unchanged.
  const target = new URL(emulator.endpoint);
  const server = createServer((incoming, outgoing) => {
    captureRequest(captured, new URL(incoming.url ?? '/', 'http://proxy'), incoming.headers.authorization);
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          captureResponse(captured, body.toString('utf8'));
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(body);
        });
      },
    );
    // An injected connection reset reaches the CLI as one too.
    forward.on('error', () => outgoing.socket?.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

/** Every secret and the forms it could be printed in (raw, URL-encoded). */
function needles(captured: Captured): string[] {
  const raw = [ACCESS_KEY_SECRET, SECURITY_TOKEN, ...captured.signatures, ...captured.execTokens];
  return [...new Set(raw.flatMap((secret) => [secret, encodeURIComponent(secret)]))];
}

function leaks(texts: string[], captured: Captured): string[] {
  const found: string[] = [];
  for (const needle of needles(captured)) {
    for (const text of texts) {
      if (text.includes(needle))
        found.push(
          `${needle.slice(0, 6)}… found in: ${text.slice(Math.max(0, text.indexOf(needle) - 60), text.indexOf(needle)).replace(/\s+/g, ' ')}`,
        );
    }
  }
  return found;
}

function errorTexts(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 5) return error === undefined ? [] : [String(error)];
  return [
    error.message,
    error.stack ?? '',
    JSON.stringify(error),
    String(error),
    ...errorTexts((error as { cause?: unknown }).cause, depth + 1),
  ];
}

describe('secrets never appear in output, logs or errors', () => {
  let emulator: Emulator;
  const emulatorLog: string[] = [];
  const directory = mkdtempSync(join(tmpdir(), 'eci-secrets-'));

  beforeAll(async () => {
    emulator = await startEmulator({
      runtime: 'process',
      host: '127.0.0.1',
      port: 0,
      schedulingMs: 0,
      pendingMs: 0,
      quotas: false,
      credentials: { accessKeyId: 'STS.emulatorKeyId0123', accessKeySecret: ACCESS_KEY_SECRET, securityToken: SECURITY_TOKEN },
      faults: FAULTS,
      log: (line) => emulatorLog.push(line),
    });
  });
  afterAll(async () => {
    await emulator?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  for (const signatureVersion of ['v3', 'v1'] as const) {
    it(`SDK (${signatureVersion}) with debug logging, under faults`, async () => {
      const captured: Captured = { signatures: new Set(), execTokens: new Set() };
      const texts: string[] = [];
      const record = (level: string) => (message: string, fields?: unknown) =>
        texts.push(`${level} ${message} ${fields === undefined ? '' : JSON.stringify(fields)}`);
      const recordingFetch: typeof fetch = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const headers = new Headers(init?.headers);
        captureRequest(captured, url, headers.get('authorization') ?? undefined);
        const response = await fetch(input, init);
        const text = await response.text();
        captureResponse(captured, text);
        return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
      };
      const client = new EciSandbox({
        accessKeyId: emulator.credentials.accessKeyId,
        accessKeySecret: ACCESS_KEY_SECRET,
        securityToken: SECURITY_TOKEN,
        endpoint: emulator.endpoint,
        regionId: emulator.regionId,
        env: {},
        cwd: directory,
        useDefaultCredentialChain: false,
        signatureVersion,
        maxRetries: 1,
        fetch: recordingFetch,
        logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
      });
      const results: unknown[] = [];
      let sandboxId = '';
      for (let attempt = 0; attempt < 10 && sandboxId === ''; attempt += 1) {
        const created = await client.create({ image: 'ubuntu:24.04', waitUntilRunning: true });
        results.push(created);
        if (created.success) sandboxId = created.sandboxId!;
      }
      expect(sandboxId).not.toBe('');
      for (let index = 0; index < 12; index += 1) {
        results.push(await client.bash(sandboxId, `echo output-${index}; echo more-${index} >&2; exit ${index % 3}`));
        results.push(await client.writeFile(sandboxId, `/tmp/secret-test-${index}.txt`, `content ${index}`));
        results.push(await client.readFile(sandboxId, `/tmp/secret-test-${index}.txt`));
      }
      results.push(await client.list(), await client.info(sandboxId), await client.bash('eci-doesnotexist000', 'true'));
      const started = await client.execCommand(sandboxId, ['true'], { sync: false });
      // The URL handed back on purpose is the caller's credential; it must not be logged.
      if (started.websocketUrl) captureResponse(captured, started.websocketUrl);
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const deleted = await client.delete(sandboxId, { force: true });
        results.push(deleted);
        if (deleted.success) break;
      }

      for (const result of results) {
        const { error, ...rest } = result as { error?: unknown };
        texts.push(JSON.stringify(rest), ...errorTexts(error));
      }
      texts.push(...emulatorLog);
      expect(captured.signatures.size).toBeGreaterThan(20);
      expect(captured.execTokens.size).toBeGreaterThan(10);
      // Failures did happen, so error paths were scanned too.
      expect(results.some((result) => (result as { success: boolean }).success === false)).toBe(true);
      expect(leaks(texts, captured)).toEqual([]);
    });
  }

  it('CLI with --debug, under faults', async () => {
    const captured: Captured = { signatures: new Set(), execTokens: new Set() };
    const proxy = await startRecordingProxy(emulator, captured);
    const { port } = proxy.address() as { port: number };
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: directory,
      NO_COLOR: '1',
      ECI_SANDBOX_ENDPOINT: `http://127.0.0.1:${port}`,
      ECI_SANDBOX_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
      ECI_SANDBOX_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
      ECI_SANDBOX_SECURITY_TOKEN: SECURITY_TOKEN,
      ECI_SANDBOX_REGION_ID: emulator.regionId,
    };
    const outputs: string[] = [];
    const cli = (...args: string[]): Promise<{ code: number | null; stdout: string }> =>
      new Promise((done, reject) => {
        const child = spawn(process.execPath, [CLI, '--debug', ...args], {
          cwd: directory,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) => {
          outputs.push(stdout, stderr);
          done({ code, stdout });
        });
      });
    try {
      let sandboxId = '';
      for (let attempt = 0; attempt < 10 && sandboxId === ''; attempt += 1) {
        const created = await cli('create', '--wait');
        if (created.code === 0) sandboxId = created.stdout.trim();
      }
      expect(sandboxId).toMatch(/^eci-/);
      const local = join(directory, 'upload.txt');
      writeFileSync(local, 'upload content\n');
      for (let index = 0; index < 6; index += 1) {
        await cli('bash', sandboxId, `echo cli-${index}; exit ${index % 2}`);
        await cli('--json', 'bash', sandboxId, 'echo json');
        await cli('write', sandboxId, `/tmp/cli-${index}.txt`, '--from', local);
        await cli('read', sandboxId, `/tmp/cli-${index}.txt`);
        await cli('exec', sandboxId, '--', 'ls', '/tmp');
      }
      await cli('list');
      await cli('info', sandboxId);
      await cli('bash', 'eci-doesnotexist000', 'true');
      await cli('--json', 'info', 'eci-doesnotexist000');
      for (let attempt = 0; attempt < 10; attempt += 1) {
        if ((await cli('delete', sandboxId, '--force')).code === 0) break;
      }
      expect(captured.signatures.size).toBeGreaterThan(10);
      expect(captured.execTokens.size).toBeGreaterThan(5);
      expect(leaks([...outputs, ...emulatorLog], captured)).toEqual([]);
    } finally {
      proxy.closeAllConnections();
      await new Promise((done) => proxy.close(done));
    }
  });
});
