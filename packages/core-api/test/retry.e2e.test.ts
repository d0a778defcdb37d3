import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EciAbortError,
  EciApiError,
  EciClient,
  EciConnectionError,
  EciTimeoutError,
  type EciClientOptions,
} from '../src/index.js';
import { startFakeEci, type FakeEci } from './helpers/fake-eci.js';

const ACCOUNT = { accessKeyId: 'TestRetryKeyId', accessKeySecret: 'retry-secret-0123456789abcdef' };

let eci: FakeEci;
beforeAll(async () => {
  eci = await startFakeEci({ accounts: [ACCOUNT] });
});
afterAll(async () => {
  await eci.close();
});
beforeEach(() => eci.reset());

function client(extra: EciClientOptions = {}) {
  // A 1 ms backoff base keeps the suite fast; the backoff shape has its own unit test.
  return new EciClient({ ...ACCOUNT, endpoint: eci.endpoint, retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...extra });
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function newGroup(eciClient: EciClient): Promise<string> {
  const { containerGroupId } = await eciClient.createContainerGroup({
    containerGroupName: 'retry-target',
    containers: [{ name: 'c', image: 'alpine' }],
  });
  eci.reset();
  return containerGroupId;
}

describe.each(['v3', 'v1'] as const)('retries (%s)', (signatureVersion) => {
  it('retries throttling, then succeeds; every attempt is signed afresh', async () => {
    eci.failNext('DescribeContainerGroups', { status: 400, code: 'Throttling.User' }, 2);
    const result = await client({ signatureVersion }).describeContainerGroups();
    expect(result.requestId).not.toBe('');
    const hits = eci.hitsOf('DescribeContainerGroups');
    expect(hits.map((hit) => hit.result)).toEqual(['Throttling.User', 'Throttling.User', 'OK']);
    const nonces = hits.map((hit) => hit.nonce);
    expect(new Set(nonces).size).toBe(3);
    const signatures = hits.map((hit) => hit.signature);
    expect(signatures.every(Boolean)).toBe(true);
    expect(new Set(signatures).size).toBe(3);
  });

  it('retries 5xx, then succeeds', async () => {
    eci.failNext('DescribeContainerGroups', { status: 503, code: 'ServiceUnavailable' });
    eci.failNext('DescribeContainerGroups', { status: 500, code: 'InternalError' });
    await expect(client({ signatureVersion }).describeContainerGroups()).resolves.toBeTruthy();
    expect(eci.hitsOf('DescribeContainerGroups').map((hit) => hit.result)).toEqual(['ServiceUnavailable', 'InternalError', 'OK']);
  });
});

describe('retry policy', () => {
  it('does not retry a non-retryable error', async () => {
    eci.failNext('DescribeContainerGroups', { status: 400, code: 'InvalidParameter', message: 'bad' });
    const error = await client()
      .describeContainerGroups()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EciApiError);
    expect(error).toMatchObject({ code: 'InvalidParameter', retryable: false, httpStatus: 400 });
    expect(eci.hits).toHaveLength(1);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    eci.failNext('DescribeContainerGroups', { status: 400, code: 'Throttling.Api' }, 5);
    await expect(client({ maxRetries: 1 }).describeContainerGroups()).rejects.toMatchObject({
      code: 'Throttling.Api',
      retryable: true,
    });
    expect(eci.hits).toHaveLength(2);
    eci.reset();
    eci.failNext('DescribeContainerGroups', { status: 400, code: 'Throttling.Api' }, 5);
    await expect(client().describeContainerGroups({}, { maxRetries: 0 })).rejects.toMatchObject({ code: 'Throttling.Api' });
    expect(eci.hits).toHaveLength(1);
  });

  it('create reuses one ClientToken across attempts', async () => {
    eci.failNext('CreateContainerGroup', { status: 500, code: 'InternalError' });
    const created = await client().createContainerGroup({
      containerGroupName: 'idempotent',
      containers: [{ name: 'c', image: 'alpine' }],
    });
    const hits = eci.hitsOf('CreateContainerGroup');
    expect(hits).toHaveLength(2);
    expect(hits[0]?.params.ClientToken).toBe(hits[1]?.params.ClientToken);
    expect(hits[0]?.nonce).not.toBe(hits[1]?.nonce);
    expect(created.containerGroupId).toMatch(/^eci-/);
  });

  it('ExecContainerCommand is retried on throttling but not on 5xx or a dropped connection', async () => {
    const eciClient = client();
    const containerGroupId = await newGroup(eciClient);
    const exec = () => eciClient.execContainerCommand({ containerGroupId, containerName: 'c', command: ['touch', '/tmp/once'] });

    eci.failNext('ExecContainerCommand', { status: 400, code: 'Throttling.User' });
    await expect(exec()).resolves.toMatchObject({ webSocketUri: expect.any(String) });
    expect(eci.hits.map((hit) => hit.result)).toEqual(['Throttling.User', 'OK']);

    eci.reset();
    eci.failNext('ExecContainerCommand', { status: 500, code: 'InternalError' });
    await expect(exec()).rejects.toMatchObject({ code: 'InternalError', retryable: true });
    expect(eci.hits).toHaveLength(1);

    eci.reset();
    eci.failNext('ExecContainerCommand', { status: 0, code: 'reset' });
    await expect(exec()).rejects.toBeInstanceOf(EciConnectionError);
    expect(eci.hits).toHaveLength(1);
  });

  it('describe calls are retried after a dropped connection', async () => {
    eci.failNext('DescribeContainerGroupStatus', { status: 0, code: 'reset' });
    await expect(client().describeContainerGroupStatus()).resolves.toBeTruthy();
    expect(eci.hits.map((hit) => hit.result)).toEqual(['connection-reset', 'OK']);
  });

  it('connection refused is a retryable EciConnectionError that happened before sending', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const refused = new EciClient({
      ...ACCOUNT,
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      fetch: counting,
      retryBaseDelayMs: 1,
    });
    const error = await refused
      .execContainerCommand({ containerGroupId: 'eci-x', containerName: 'c', command: ['true'] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EciConnectionError);
    expect(error).toMatchObject({ retryable: true, beforeRequestSent: true });
    expect((error as Error).cause).toBeDefined();
    // Even exec is retried: the request provably never left.
    expect(calls).toBe(3);
  });

  it('honours Retry-After', async () => {
    const lines: string[] = [];
    eci.failNext('DescribeContainerGroups', { status: 503, code: 'ServiceUnavailable', headers: { 'Retry-After': '0.05' } });
    await client({ logger: { warn: (line) => lines.push(line) } }).describeContainerGroups();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('retry 1 of 2 in 50 ms');
  });

  it('throws the real error when the next backoff would overrun the timeout', async () => {
    // Had the client slept for the 30 s hint, the 1 s budget would end in EciTimeoutError instead.
    eci.failNext('DescribeContainerGroups', { status: 503, code: 'ServiceUnavailable', headers: { 'Retry-After': '30' } });
    await expect(client().describeContainerGroups({}, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    expect(eci.hits).toHaveLength(1);
  });

  it('aborting during a backoff ends the call promptly with EciAbortError', async () => {
    const controller = new AbortController();
    // The server asks for a 30 s pause; the abort fires as the backoff starts (the retry warning).
    // Had the abort not cut the backoff short, the retry would have succeeded after 30 s.
    eci.failNext('DescribeContainerGroups', { status: 400, code: 'Throttling.User', headers: { 'Retry-After': '30' } });
    const call = client({ logger: { warn: () => controller.abort(new Error('user gave up')) } }).describeContainerGroups(
      {},
      { signal: controller.signal, timeoutMs: 120_000 },
    );
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EciAbortError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/waiting to retry/);
    expect(eci.hits).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(client().describeContainerGroups({}, { signal: controller.signal })).rejects.toBeInstanceOf(EciAbortError);
    expect(eci.hits).toHaveLength(0);
  });

  it('a request without an answer times out with EciTimeoutError', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const error = await client({ fetch: hanging, timeoutMs: 50 })
      .describeContainerGroups()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EciTimeoutError);
    expect((error as Error).message).toMatch(/50 ms/);
  });
});
