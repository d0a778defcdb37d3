import { sleep as realSleep } from './internal/sleep.js';

/** ECI's documented API quotas, calls per 60 s per account and region. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  CreateContainerGroup: 1000,
  DeleteContainerGroup: 1000,
  RestartContainerGroup: 1000,
  UpdateContainerGroup: 1000,
  DescribeContainerGroups: 2000,
  DescribeContainerGroupStatus: 10000,
  DescribeContainerLog: 500,
  ExecContainerCommand: 500,
});

/** The default window of a quota: ECI counts calls per 60 s. */
export const DEFAULT_RATE_WINDOW_MS = 60_000;

/** One action's quota: a number is calls per 60 s; `false` switches the limit off for that action. */
export type RateLimit = number | { limit: number; windowMs?: number } | false;

/** Per-action quotas merged over {@link DEFAULT_RATE_LIMITS}; `false` switches client-side limiting off. */
export type RateLimitsOption = Record<string, RateLimit> | false;

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Quotas per action, merged over the defaults. Actions without a quota are not limited. */
  limits?: Record<string, RateLimit>;
  /** Start from an empty table instead of ECI's quotas (tests, custom services). */
  noDefaults?: boolean;
  /** Clock in milliseconds; injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms` or rejects when `signal` aborts; injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Options of {@link RateLimiter.acquire}. */
export interface AcquireOptions {
  signal?: AbortSignal;
  /** Absolute time (same clock as `now`) after which waiting is pointless. */
  deadline?: number;
}

/** Thrown by {@link RateLimiter.acquire} when the next slot lies beyond the deadline. */
export class RateLimitDeadlineError extends Error {
  override name = 'RateLimitDeadlineError';
  constructor(
    readonly action: string,
    readonly waitMs: number,
  ) {
    super(`the ${action} rate limit would delay this call by ${Math.ceil(waitMs)} ms, beyond its timeout`);
  }
}

interface Window {
  limit: number;
  windowMs: number;
  /** Reserved grant times, ascending; entries older than one window are pruned. */
  grants: number[];
  /** Index of the first live entry in `grants` (pruning by moving an index, compacting now and then). */
  start: number;
}

/**
 * Client-side quota per action, shaped as a sliding window: never more than `limit` calls in any
 * `windowMs`. That is the strict form of a token bucket (capacity = quota, each token returns one
 * window after it was spent), so a burst of 600 exec calls against ECI's 500/60 s sends 500 at once
 * and the other 100 as the first ones age out, and the server never sees more than its quota.
 *
 * Slots are reserved in call order (FIFO). A call that gives up (abort, timeout) keeps its slot,
 * which only makes the limiter more conservative for one window.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    const merged: Record<string, RateLimit> = { ...(options.noDefaults ? {} : DEFAULT_RATE_LIMITS), ...options.limits };
    for (const [action, limit] of Object.entries(merged)) {
      if (limit === false) continue;
      const { limit: count, windowMs = DEFAULT_RATE_WINDOW_MS } = typeof limit === 'number' ? { limit } : limit;
      if (!Number.isFinite(count) || count < 1 || !Number.isFinite(windowMs) || windowMs <= 0) {
        throw new RangeError(`rate limit for ${action} must be at least 1 call per positive window`);
      }
      this.windows.set(action, { limit: Math.floor(count), windowMs, grants: [], start: 0 });
    }
  }

  /** The quota applied to `action`, or undefined when it is not limited. */
  limitFor(action: string): { limit: number; windowMs: number } | undefined {
    const window = this.windows.get(action);
    return window && { limit: window.limit, windowMs: window.windowMs };
  }

  /**
   * Waits until `action` may be sent and records the call. Resolves at once for unlimited
   * actions. Rejects with the signal's reason on abort, and with {@link RateLimitDeadlineError}
   * (without waiting) when the slot lies beyond `deadline`. Resolves with the milliseconds waited.
   */
  async acquire(action: string, options: AcquireOptions = {}): Promise<number> {
    const window = this.windows.get(action);
    if (!window) return 0;
    if (options.signal?.aborted) throw options.signal.reason;
    const now = this.now();
    this.prune(window, now);
    const live = window.grants.length - window.start;
    // The call at position `live` must come one window after the grant `limit` places before it.
    const blocking = live >= window.limit ? window.grants[window.grants.length - window.limit] : undefined;
    const slot = blocking === undefined ? now : Math.max(now, blocking + window.windowMs);
    if (options.deadline !== undefined && slot > options.deadline) {
      throw new RateLimitDeadlineError(action, slot - now);
    }
    window.grants.push(slot);
    if (slot > now) await this.sleep(slot - now, options.signal);
    return slot - now;
  }

  private prune(window: Window, now: number): void {
    while (window.start < window.grants.length && (window.grants[window.start] ?? 0) <= now - window.windowMs) {
      window.start += 1;
    }
    if (window.start > 1024 && window.start * 2 > window.grants.length) {
      window.grants = window.grants.slice(window.start);
      window.start = 0;
    }
  }
}
