import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTAS, QuotaLimiter } from './quotas.js';

describe('QuotaLimiter', () => {
  it("defaults to ECI's documented per-minute rates", () => {
    expect(DEFAULT_QUOTAS).toMatchObject({
      CreateContainerGroup: 1000,
      DeleteContainerGroup: 1000,
      RestartContainerGroup: 1000,
      DescribeContainerGroups: 2000,
      DescribeContainerGroupStatus: 10000,
      ExecContainerCommand: 500,
      DescribeContainerLog: 500,
    });
    let now = 0;
    const limiter = new QuotaLimiter(undefined, () => now);
    for (let index = 0; index < 500; index += 1) expect(limiter.take('ExecContainerCommand')).toBe(true);
    expect(limiter.take('ExecContainerCommand')).toBe(false);
    now = 59_999;
    expect(limiter.take('ExecContainerCommand')).toBe(false);
    now = 60_000;
    expect(limiter.take('ExecContainerCommand')).toBe(true);
  });

  it('scales to a custom window and limit, and can be turned off', () => {
    let now = 0;
    const limiter = new QuotaLimiter({ windowMs: 6000, limits: { DescribeContainerGroups: 50 } }, () => now);
    for (let index = 0; index < 50; index += 1) limiter.take('DescribeContainerGroups');
    expect(limiter.take('DescribeContainerGroups')).toBe(false);
    expect(limiter.take('ExecContainerCommand')).toBe(true);
    now = 6000;
    expect(limiter.take('DescribeContainerGroups')).toBe(true);
    const off = new QuotaLimiter(false);
    for (let index = 0; index < 600; index += 1) expect(off.take('ExecContainerCommand')).toBe(true);
  });
});
