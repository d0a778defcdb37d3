import { z } from 'zod';

/** ECI's documented flow-control limits per account and region, calls per 60 s. */
export const DEFAULT_QUOTAS: Readonly<Record<string, number>> = Object.freeze({
  CreateContainerGroup: 1000,
  DeleteContainerGroup: 1000,
  RestartContainerGroup: 1000,
  DescribeContainerGroups: 2000,
  DescribeContainerGroupStatus: 10000,
  ExecContainerCommand: 500,
  DescribeContainerLog: 500,
});

export const DEFAULT_QUOTA_WINDOW_MS = 60_000;

export const quotaOptionsSchema = z.union([
  z.literal(false),
  z.object({
    /** Length of one quota window in ms. Default 60000 (ECI's per-minute quotas). */
    windowMs: z.number().int().positive().optional(),
    /**
     * Calls allowed per window, per action, over {@link DEFAULT_QUOTAS}. An action set to
     * `Infinity` or missing from both is not limited.
     */
    limits: z.record(z.string(), z.number().min(0)).optional(),
  }),
]);

/** `false` turns quotas off; an object scales them (e.g. `{ windowMs: 6000, limits: { ExecContainerCommand: 50 } }`). */
export type QuotaOptions = z.input<typeof quotaOptionsSchema>;

/**
 * Fixed-window counters per action: a window opens at the first call after the previous one
 * ended, and calls past the limit inside it are refused.
 */
export class QuotaLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();
  private readonly windowMs: number;
  private readonly limits: Record<string, number>;
  readonly enabled: boolean;

  constructor(
    options: QuotaOptions | undefined,
    private readonly now: () => number = Date.now,
  ) {
    const parsed = quotaOptionsSchema.parse(options ?? {});
    this.enabled = parsed !== false;
    this.windowMs = parsed === false ? DEFAULT_QUOTA_WINDOW_MS : (parsed.windowMs ?? DEFAULT_QUOTA_WINDOW_MS);
    this.limits = parsed === false ? {} : { ...DEFAULT_QUOTAS, ...parsed.limits };
  }

  /** Counts one call; `false` when the action is over its quota in the current window. */
  take(action: string): boolean {
    if (!this.enabled) return true;
    const limit = this.limits[action];
    if (limit === undefined || limit === Infinity) return true;
    const now = this.now();
    let window = this.windows.get(action);
    if (!window || now - window.startedAt >= this.windowMs) {
      window = { startedAt: now, count: 0 };
      this.windows.set(action, window);
    }
    if (window.count >= limit) return false;
    window.count += 1;
    return true;
  }

  /** The limit and window in force for an action, for error messages and the README. */
  describe(action: string): { limit: number | undefined; windowMs: number } {
    return { limit: this.enabled ? this.limits[action] : undefined, windowMs: this.windowMs };
  }
}
