import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-error.js';
import { collectKeyValues, parseDurationMs, parsePort, parsePositiveNumber } from './parse-options.js';

describe('option parsers', () => {
  it('parses KEY=VALUE lists, keeping "=" in values', () => {
    expect(collectKeyValues(['A=1', 'B=x=y'], '--env')).toEqual({ A: '1', B: 'x=y' });
    expect(() => collectKeyValues(['nope'], '--env')).toThrow(/--env expects KEY=VALUE, got "nope"/);
  });

  it('parses ports with an optional protocol', () => {
    expect(parsePort('8080')).toEqual({ port: 8080, protocol: 'TCP' });
    expect(parsePort('53/udp')).toEqual({ port: 53, protocol: 'UDP' });
    expect(() => parsePort('70000')).toThrow(UsageError);
  });

  it('parses durations with units, plain numbers in seconds', () => {
    expect(parseDurationMs('90s', '--ttl')).toBe(90_000);
    expect(parseDurationMs('2h', '--ttl')).toBe(7_200_000);
    expect(parseDurationMs('30', '--ttl')).toBe(30_000);
    expect(parseDurationMs('250', '--timeout', 'ms')).toBe(250);
    expect(() => parseDurationMs('soon', '--ttl')).toThrow(/--ttl expects a duration/);
  });

  it('names the flag when a number is wrong', () => {
    expect(() => parsePositiveNumber('-1', '--cpu')).toThrow('--cpu must be a positive number, got "-1"');
  });
});
