import { describe, expect, it } from 'vitest';
import { callV1, startTestEmulator, waitFor } from './helpers.js';

describe('quotas', () => {
  it('throttles calls past a scaled-down quota with Throttling.User, and serves again in the next window', async () => {
    const emulator = await startTestEmulator({ quotas: { windowMs: 1500, limits: { DescribeContainerGroups: 5 } } });
    try {
      const results: string[] = [];
      for (let index = 0; index < 7; index += 1) {
        const response = await callV1(emulator, 'DescribeContainerGroups', {});
        results.push(String(response.body.Code ?? 'OK'));
        if (response.body.Code) expect(response.status).toBe(400);
      }
      // Other actions keep their own quota.
      expect((await callV1(emulator, 'DescribeContainerGroupStatus', {})).status).toBe(200);
      expect(results.slice(0, 5).every((code) => code === 'OK')).toBe(true);
      expect(results.slice(5)).toEqual(['Throttling.User', 'Throttling.User']);
      await waitFor(
        async () => ((await callV1(emulator, 'DescribeContainerGroups', {})).status === 200 ? true : undefined),
        10_000,
        'the next window',
      );
      expect(emulator.calls.count('DescribeContainerGroups', 'Throttling.User')).toBeGreaterThanOrEqual(2);
    } finally {
      await emulator.close();
    }
  });

  it('is off with quotas: false', async () => {
    const emulator = await startTestEmulator({ quotas: false });
    try {
      const responses = await Promise.all(Array.from({ length: 30 }, () => callV1(emulator, 'DescribeContainerGroups', {})));
      expect(responses.every((response) => response.status === 200)).toBe(true);
    } finally {
      await emulator.close();
    }
  });
});

describe('API faults', () => {
  async function observe(seed: number): Promise<string[]> {
    const emulator = await startTestEmulator({
      faults: { seed, serverErrorRate: 0.25, connectionResetRate: 0.15, throttleRate: 0.15 },
    });
    try {
      const outcomes: string[] = [];
      for (let index = 0; index < 30; index += 1) {
        try {
          const response = await callV1(emulator, 'DescribeContainerGroups', {});
          outcomes.push(`${response.status}:${String(response.body.Code ?? 'OK')}`);
        } catch {
          outcomes.push('reset');
        }
      }
      expect(emulator.calls.count(undefined, 'ConnectionReset')).toBe(outcomes.filter((item) => item === 'reset').length);
      return outcomes;
    } finally {
      await emulator.close();
    }
  }

  it('injects 5xx, resets and throttling, the same sequence for the same seed', async () => {
    const first = await observe(11);
    const second = await observe(11);
    expect(second).toEqual(first);
    expect(first).toContain('reset');
    expect(first).toContain('500:InternalError');
    expect(first).toContain('503:ServiceUnavailable');
    expect(first).toContain('400:Throttling.User');
    expect(first).toContain('200:OK');
    expect(await observe(12)).not.toEqual(first);
  });

  it('slows starts: the group stays Pending longer', async () => {
    const emulator = await startTestEmulator({ faults: { slowStartRate: 1, slowStartMs: 300 } });
    try {
      const created = await callV1(emulator, 'CreateContainerGroup', {
        ContainerGroupName: 'slow',
        'Container.1.Name': 'main',
        'Container.1.Image': 'busybox',
      });
      const id = created.body.ContainerGroupId as string;
      const group = await waitFor(
        async () => {
          const response = await callV1(emulator, 'DescribeContainerGroups', { ContainerGroupIds: JSON.stringify([id]) });
          const found = (response.body.ContainerGroups as Array<{ Status: string; Events: Array<{ Reason: string }> }>)[0];
          return found?.Status === 'Running' ? found : undefined;
        },
        10_000,
        'Running',
      );
      expect(group.Events.map((event) => event.Reason)).toContain('SlowStart');
    } finally {
      await emulator.close();
    }
  });
});
