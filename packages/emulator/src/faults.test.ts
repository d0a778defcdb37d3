import { describe, expect, it } from 'vitest';
import { FaultInjector } from './faults.js';

function sequence(injector: FaultInjector, length: number): string[] {
  return Array.from({ length }, (_, index) => {
    const fault = injector.forCall(index % 2 === 0 ? 'ExecContainerCommand' : 'DescribeContainerGroups');
    return fault.kind === 'server-error' ? fault.code : fault.kind;
  });
}

describe('FaultInjector', () => {
  const options = { seed: 42, throttleRate: 0.2, serverErrorRate: 0.2, connectionResetRate: 0.1 };

  it('gives the same sequence for the same seed, and another for another seed', () => {
    const first = sequence(new FaultInjector(options), 200);
    const second = sequence(new FaultInjector(options), 200);
    const other = sequence(new FaultInjector({ ...options, seed: 43 }), 200);
    expect(first).toEqual(second);
    expect(other).not.toEqual(first);
    for (const kind of ['none', 'throttle', 'connection-reset', 'InternalError', 'ServiceUnavailable']) {
      expect(first).toContain(kind);
    }
  });

  it('restarts the sequence on configure()', () => {
    const injector = new FaultInjector(options);
    const first = sequence(injector, 50);
    injector.configure(options);
    expect(sequence(injector, 50)).toEqual(first);
  });

  it('applies per-action rates over the global ones', () => {
    const injector = new FaultInjector({ seed: 1, actions: { ExecContainerCommand: { serverErrorRate: 1 } } });
    expect(injector.forCall('ExecContainerCommand').kind).toBe('server-error');
    expect(injector.forCall('DescribeContainerGroups').kind).toBe('none');
  });

  it('decides dropped streams and slow starts', () => {
    const injector = new FaultInjector({ dropStreamRate: 1, dropStreamAfterBytes: 5, slowStartRate: 1, slowStartMs: 123 });
    expect(injector.forStream()).toBe(5);
    expect(injector.forStart()).toBe(123);
    const none = new FaultInjector();
    expect(none.forStream()).toBeUndefined();
    expect(none.forStart()).toBe(0);
  });

  it('rejects rates outside 0..1', () => {
    expect(() => new FaultInjector({ throttleRate: 2 })).toThrow();
  });
});
