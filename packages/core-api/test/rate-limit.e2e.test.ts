import { afterAll, describe, expect, it } from 'vitest';
import { EciAbortError, EciClient, EciTimeoutError } from '../src/index.js';
import { startFakeEci, type FakeEci } from './helpers/fake-eci.js';

const ACCOUNT = { accessKeyId: 'LTAI5tRateKeyId', accessKeySecret: 'rate-secret-0123456789abcdef' };
// ECI's 500 exec calls per 60 s, scaled down to 50 per 300 ms so the test takes seconds, not minutes.
const CLIENT_QUOTA = { limit: 50, windowMs: 300 };
// The server counts the same number over a shorter window, measured on arrival: at this scale, transit
// jitter on a busy machine (tens of ms) would otherwise look like a burst. Against ECI's 60 s window
// that jitter is negligible.
const SERVER_QUOTA = { action: 'ExecContainerCommand', limit: 50, windowMs: 50 };

const servers: FakeEci[] = [];
/** A fresh throttling server (its own quota window) with one container group. */
async function freshServer(throttle = SERVER_QUOTA) {
  const server = await startFakeEci({ accounts: [ACCOUNT], throttle });
  servers.push(server);
  const setup = new EciClient({ ...ACCOUNT, endpoint: server.endpoint });
  const { containerGroupId } = await setup.createContainerGroup({
    containerGroupName: 'busy',
    containers: [{ name: 'c', image: 'alpine' }],
  });
  server.reset();
  return { eci: server, containerGroupId };
}
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('client-side rate limits', () => {
  it('the fake server really throttles an unlimited burst (the check below can fail)', async () => {
    // A wide window, so that even a slowed-down machine sends more than 50 calls within it.
    const { eci, containerGroupId } = await freshServer({ ...SERVER_QUOTA, windowMs: 5_000 });
    const unlimited = new EciClient({ ...ACCOUNT, endpoint: eci.endpoint, rateLimits: false, maxRetries: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 600 }, () =>
        unlimited.execContainerCommand({ containerGroupId, containerName: 'c', command: ['true'] }),
      ),
    );
    expect(
      results.some((result) => result.status === 'rejected' && (result.reason as { code?: string }).code === 'Throttling.User'),
    ).toBe(true);
  });

  it('spreads a burst of 600 exec calls over the quota without a single throttling error', async () => {
    const { eci, containerGroupId } = await freshServer();
    const waits: string[] = [];
    const client = new EciClient({
      ...ACCOUNT,
      endpoint: eci.endpoint,
      maxRetries: 0,
      rateLimits: { ExecContainerCommand: CLIENT_QUOTA },
      logger: { debug: (line) => line.includes('for its client-side rate limit') && waits.push(line) },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 600 }, () => client.execContainerCommand({ containerGroupId, containerName: 'c', command: ['true'] })),
    );
    const failures = results.filter((result) => result.status === 'rejected');
    expect(failures.map((failure) => String((failure as PromiseRejectedResult).reason))).toEqual([]);
    expect(
      eci
        .hitsOf('ExecContainerCommand')
        .map((hit) => hit.result)
        .filter((result) => result !== 'OK'),
    ).toEqual([]);
    expect(eci.hitsOf('ExecContainerCommand')).toHaveLength(600);
    // Only the first window's 50 calls went at once; the other 550 waited for the limiter.
    expect(waits).toHaveLength(550);
  });

  it('a wait beyond the call timeout fails at once with EciTimeoutError, sending nothing', async () => {
    const { eci, containerGroupId } = await freshServer();
    const client = new EciClient({
      ...ACCOUNT,
      endpoint: eci.endpoint,
      rateLimits: { DescribeContainerLog: { limit: 1, windowMs: 60_000 } },
    });
    await client.describeContainerLog({ containerGroupId, containerName: 'c' });
    const error = await client
      .describeContainerLog({ containerGroupId, containerName: 'c' }, { timeoutMs: 100 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EciTimeoutError);
    expect((error as Error).message).toMatch(
      /would wait \d+ ms for its client-side rate limit, beyond the call's 100 ms timeout/,
    );
    expect(eci.hits).toHaveLength(1);
  });

  it('aborting while waiting for a slot ends the call with EciAbortError', async () => {
    const { eci, containerGroupId } = await freshServer();
    const client = new EciClient({
      ...ACCOUNT,
      endpoint: eci.endpoint,
      rateLimits: { DescribeContainerLog: { limit: 1, windowMs: 60_000 } },
    });
    await client.describeContainerLog({ containerGroupId, containerName: 'c' });
    const controller = new AbortController();
    const waiting = client.describeContainerLog(
      { containerGroupId, containerName: 'c' },
      { signal: controller.signal, timeoutMs: 120_000 },
    );
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(EciAbortError);
    expect(eci.hits).toHaveLength(1);
  });

  it('actions without a quota are not limited', async () => {
    const { eci } = await freshServer();
    const client = new EciClient({ ...ACCOUNT, endpoint: eci.endpoint, rateLimits: { DescribeContainerGroups: false } });
    await Promise.all(Array.from({ length: 30 }, () => client.describeContainerGroups()));
    await Promise.all(Array.from({ length: 5 }, () => client.request('DescribeRegions').catch(() => undefined)));
    expect(eci.hits).toHaveLength(35);
  });
});
