import { readFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import * as EciModule from '@alicloud/eci20180808';
import * as OpenApi from '@alicloud/openapi-client';
import { signAcs3, signRpcV1 } from '@eci-sandbox/core-api';
import { Channel, decodeFrame, parseStatus } from '@eci-sandbox/exec-stream';
import WebSocket from 'ws';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';

export const REGION = 'cn-hangzhou';

type EciClientClass = typeof EciModule.default;
const EciClient: EciClientClass =
  ((EciModule as unknown as { default: { default?: EciClientClass } }).default.default as EciClientClass | undefined) ??
  EciModule.default;
export { EciModule };

/** Starts a process-runtime emulator on 127.0.0.1, port 0, with quick timings. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ runtime: 'process', host: '127.0.0.1', port: 0, schedulingMs: 20, pendingMs: 40, ...options });
}

/** The official ECI client pointed at the emulator. */
export function officialClient(
  emulator: Emulator,
  overrides: { accessKeySecret?: string; securityToken?: string; signatureAlgorithm?: string } = {},
): InstanceType<EciClientClass> {
  const config = new OpenApi.Config({
    accessKeyId: emulator.credentials.accessKeyId,
    accessKeySecret: overrides.accessKeySecret ?? emulator.credentials.accessKeySecret,
    securityToken: overrides.securityToken ?? emulator.credentials.securityToken,
    endpoint: emulator.host,
    protocol: 'http',
    regionId: REGION,
  });
  if (overrides.signatureAlgorithm) config.signatureAlgorithm = overrides.signatureAlgorithm;
  return new EciClient(config);
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface RawResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Signs and sends one RPC call by hand (V1 by default), for tests of bad input. */
export async function callV1(
  emulator: Emulator,
  action: string,
  params: Record<string, string>,
  tweak: {
    secret?: string;
    accessKeyId?: string;
    nonce?: string;
    timestamp?: string;
    method?: 'GET' | 'POST';
    form?: boolean;
    tamper?: (signed: Record<string, string>) => Record<string, string>;
    securityToken?: string;
  } = {},
): Promise<RawResponse> {
  const all: Record<string, string> = {
    Action: action,
    Version: '2018-08-08',
    Format: 'JSON',
    AccessKeyId: tweak.accessKeyId ?? emulator.credentials.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: tweak.nonce ?? randomUUID(),
    Timestamp: tweak.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    RegionId: REGION,
    ...(tweak.securityToken ? { SecurityToken: tweak.securityToken } : {}),
    ...params,
  };
  const method = tweak.method ?? 'POST';
  all.Signature = signRpcV1({ method, params: all, accessKeySecret: tweak.secret ?? emulator.credentials.accessKeySecret });
  const sent = tweak.tamper ? tweak.tamper(all) : all;
  const encoded = new URLSearchParams(sent).toString();
  const response = tweak.form
    ? await fetch(`${emulator.endpoint}/`, {
        method,
        body: encoded,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    : await fetch(`${emulator.endpoint}/?${encoded}`, { method });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Signs and sends one RPC call with ACS3 (V3), parameters in a form body. */
export async function callV3Form(
  emulator: Emulator,
  action: string,
  params: Record<string, string>,
  tweak: { payloadHash?: string } = {},
): Promise<RawResponse> {
  const body = new URLSearchParams({ RegionId: REGION, ...params }).toString();
  const headers: Record<string, string> = {
    host: emulator.host,
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-action': action,
    'x-acs-version': '2018-08-08',
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': tweak.payloadHash ?? createHash('sha256').update(body).digest('hex'),
  };
  const { authorization } = signAcs3({
    method: 'POST',
    pathname: '/',
    query: {},
    headers,
    payloadHash: headers['x-acs-content-sha256'] as string,
    accessKeyId: emulator.credentials.accessKeyId,
    accessKeySecret: emulator.credentials.accessKeySecret,
  });
  const response = await fetch(`${emulator.endpoint}/`, { method: 'POST', body, headers: { ...headers, authorization } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Channel-3 messages, parsed. */
  statuses: ReturnType<typeof parseStatus>[];
  rawStatus: string[];
  protocol: string;
  closeCode: number;
  /** Whether the first message was the empty readiness frame on stdout. */
  sawReadiness: boolean;
}

/**
 * Connects to a WebSocketUri with plain `ws`, optionally sends stdin (binary frames) and resize
 * messages, and collects everything until the server closes.
 */
export function runExecStream(
  url: string,
  options: { protocols?: string[]; onOpen?: (ws: WebSocket) => void; onStdout?: (text: string, ws: WebSocket) => void } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? []);
    const result: ExecResult = {
      stdout: '',
      stderr: '',
      statuses: [],
      rawStatus: [],
      protocol: '',
      closeCode: 0,
      sawReadiness: false,
    };
    let first = true;
    ws.on('open', () => {
      result.protocol = ws.protocol;
      options.onOpen?.(ws);
    });
    ws.on('message', (data, isBinary) => {
      const raw = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (first) {
        first = false;
        result.sawReadiness = isBinary && raw.length === 1 && raw[0] === Channel.stdout;
      }
      const frame = decodeFrame(raw, isBinary);
      if (!frame) return;
      const text = Buffer.from(frame.payload).toString('utf8');
      if (frame.channel === Channel.stdout) {
        result.stdout += text;
        if (text) options.onStdout?.(result.stdout, ws);
      } else if (frame.channel === Channel.stderr) result.stderr += text;
      else if (frame.channel === Channel.status) {
        result.rawStatus.push(text);
        result.statuses.push(parseStatus(frame.payload));
      }
    });
    ws.on('close', (code) => {
      result.closeCode = code;
      resolve(result);
    });
    ws.on('error', reject);
  });
}

/** Ensures a pid no longer runs (zombies count as gone). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
