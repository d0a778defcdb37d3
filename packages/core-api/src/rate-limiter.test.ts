import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, RateLimitDeadlineError, RateLimiter } from './rate-limiter.js';

/** A limiter on a fake clock; every grant is recorded at the time it would be sent. */
function fakeLimiter(limits: ConstructorParameters<typeof RateLimiter>[0] = {}) {
  let clock = 0;
  const grants: number[] = [];
  const limiter = new RateLimiter({
    ...limits,
    now: () => clock,
    sleep: async () => {},
  });
  const acquire = async (action: string, deadline?: number) => {
    const calledAt = clock;
    const waitedMs = await limiter.acquire(action, deadline === undefined ? {} : { deadline });
    grants.push(calledAt + waitedMs);
  };
  return { limiter, grants, acquire, advance: (ms: number) => (clock += ms), now: () => clock };
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((left, right) => left - right);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first += 1;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

describe('RateLimiter', () => {
  it('uses ECI quotas by default', () => {
    const limiter = new RateLimiter();
    expect(limiter.limitFor('ExecContainerCommand')).toEqual({ limit: 500, windowMs: 60_000 });
    expect(limiter.limitFor('DescribeContainerGroupStatus')).toEqual({ limit: 10_000, windowMs: 60_000 });
    expect(limiter.limitFor('SomethingElse')).toBeUndefined();
    expect(DEFAULT_RATE_LIMITS.CreateContainerGroup).toBe(1000);
  });

  it('spreads a burst of 600 exec calls so no 60 s window holds more than 500', async () => {
    const { grants, acquire } = fakeLimiter();
    await Promise.all(Array.from({ length: 600 }, () => acquire('ExecContainerCommand')));
    expect(grants).toHaveLength(600);
    expect(maxInAnyWindow(grants, 60_000)).toBe(500);
    // The first 500 go at once; the rest wait exactly one window, not longer.
    expect(grants.filter((time) => time === 0)).toHaveLength(500);
    expect(Math.max(...grants)).toBe(60_000);
  });

  it('keeps the quota while calls trickle in over time', async () => {
    const { grants, acquire, advance } = fakeLimiter({ limits: { ExecContainerCommand: { limit: 5, windowMs: 1000 } } });
    for (let index = 0; index < 40; index += 1) {
      await acquire('ExecContainerCommand');
      advance(37);
    }
    expect(maxInAnyWindow(grants, 1000)).toBeLessThanOrEqual(5);
  });

  it('can be configured per action and switched off per action', async () => {
    const { limiter } = fakeLimiter({ limits: { ExecContainerCommand: false, Custom: 3 } });
    expect(limiter.limitFor('ExecContainerCommand')).toBeUndefined();
    expect(limiter.limitFor('Custom')).toEqual({ limit: 3, windowMs: 60_000 });
  });

  it('refuses at once when the slot lies beyond the deadline', async () => {
    const { acquire } = fakeLimiter({ limits: { A: { limit: 1, windowMs: 1000 } }, noDefaults: true });
    await acquire('A');
    await expect(acquire('A', 500)).rejects.toBeInstanceOf(RateLimitDeadlineError);
    // The refused call did not take a slot: with a deadline past the window it is granted at 1000.
    await expect(acquire('A', 1000)).resolves.toBeUndefined();
  });

  it('stops waiting when the signal aborts', async () => {
    const limiter = new RateLimiter({ limits: { A: { limit: 1, windowMs: 60_000 } }, noDefaults: true });
    await limiter.acquire('A');
    const controller = new AbortController();
    const waiting = limiter.acquire('A', { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
