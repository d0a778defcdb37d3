import { z } from 'zod';
import { createPrng, deriveSeed } from './internal/prng.js';

const rate = z.number().min(0).max(1);

const faultRatesSchema = z.object({
  /** Share of calls answered with `Throttling.User` (HTTP 400) regardless of the quota. */
  throttleRate: rate.optional(),
  /** Share of calls answered with `InternalError` (500) or `ServiceUnavailable` (503), half each. */
  serverErrorRate: rate.optional(),
  /** Share of calls whose connection is destroyed without any response. */
  connectionResetRate: rate.optional(),
  /** Share of exec streams closed after some output, without an exit status. */
  dropStreamRate: rate.optional(),
  /** Bytes of output an exec stream delivers before a drop. Default 1 (drop after the first output). */
  dropStreamAfterBytes: z.number().int().min(0).optional(),
  /** Share of container groups that stay Pending longer. */
  slowStartRate: rate.optional(),
  /** Extra Pending time of a slow start, in ms. Default 2000. */
  slowStartMs: z.number().int().min(0).optional(),
});

export const faultOptionsSchema = faultRatesSchema.extend({
  /** Seed of the fault sequence; the same seed and the same calls give the same faults. Default 1. */
  seed: z.number().int().optional(),
  /** Rates for one action (`CreateContainerGroup`, `ExecContainerCommand`, …) over the global ones. */
  actions: z.record(z.string(), faultRatesSchema).optional(),
});

/** Fault injection settings; every rate is a probability from 0 to 1, default 0. */
export type FaultOptions = z.input<typeof faultOptionsSchema>;
export type FaultRates = z.input<typeof faultRatesSchema>;

/** What the emulator does to one API call. */
export type ApiFault =
  | { kind: 'none' }
  | { kind: 'connection-reset' }
  | { kind: 'server-error'; code: 'InternalError' | 'ServiceUnavailable'; httpStatus: 500 | 503 }
  | { kind: 'throttle' };

/**
 * Decides faults from seeded generators, one per kind of fault, so that e.g. exec drops do not
 * shift when an unrelated describe call is added. Decisions are made in call order.
 */
export class FaultInjector {
  private options: z.output<typeof faultOptionsSchema>;
  private readonly streams = new Map<string, () => number>();

  constructor(options: FaultOptions = {}) {
    this.options = faultOptionsSchema.parse(options);
  }

  /** Replaces the settings and restarts every sequence from the (new) seed. */
  configure(options: FaultOptions): void {
    this.options = faultOptionsSchema.parse(options);
    this.streams.clear();
  }

  private draw(kind: string): number {
    let stream = this.streams.get(kind);
    if (!stream) {
      stream = createPrng(deriveSeed(this.options.seed ?? 1, kind));
      this.streams.set(kind, stream);
    }
    return stream();
  }

  private rate(action: string | undefined, key: keyof FaultRates): number {
    const specific = action ? this.options.actions?.[action]?.[key] : undefined;
    return Number(specific ?? this.options[key] ?? 0);
  }

  private hit(action: string | undefined, key: keyof FaultRates): boolean {
    const probability = this.rate(action, key);
    if (probability <= 0) return false;
    return this.draw(key) < probability;
  }

  /** The fault for one API call (checked before authentication, like a gateway would fail). */
  forCall(action: string | undefined): ApiFault {
    if (this.hit(action, 'connectionResetRate')) return { kind: 'connection-reset' };
    if (this.hit(action, 'serverErrorRate')) {
      return this.draw('serverErrorKind') < 0.5
        ? { kind: 'server-error', code: 'InternalError', httpStatus: 500 }
        : { kind: 'server-error', code: 'ServiceUnavailable', httpStatus: 503 };
    }
    if (this.hit(action, 'throttleRate')) return { kind: 'throttle' };
    return { kind: 'none' };
  }

  /** For a new exec stream: the number of output bytes after which it is dropped, or undefined. */
  forStream(): number | undefined {
    if (!this.hit('ExecContainerCommand', 'dropStreamRate')) return undefined;
    return this.options.actions?.ExecContainerCommand?.dropStreamAfterBytes ?? this.options.dropStreamAfterBytes ?? 1;
  }

  /** For a new container group: extra Pending time in ms (0 when not slowed). */
  forStart(): number {
    if (!this.hit('CreateContainerGroup', 'slowStartRate')) return 0;
    return this.options.actions?.CreateContainerGroup?.slowStartMs ?? this.options.slowStartMs ?? 2000;
  }
}
