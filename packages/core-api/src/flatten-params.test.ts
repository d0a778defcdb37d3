import { describe, expect, it } from 'vitest';
import { flattenParams } from './flatten-params.js';

describe('flattenParams', () => {
  it('numbers arrays from 1 and joins nested fields with dots', () => {
    expect(
      flattenParams({
        RegionId: 'cn-shanghai',
        Container: [{ Name: 'main', Command: ['sh', '-c'], Stdin: false, Cpu: 0.5 }],
        Tag: [{ Key: 'a', Value: 'b' }],
        Missing: undefined,
        Nothing: null,
      }),
    ).toEqual({
      RegionId: 'cn-shanghai',
      'Container.1.Name': 'main',
      'Container.1.Command.1': 'sh',
      'Container.1.Command.2': '-c',
      'Container.1.Stdin': 'false',
      'Container.1.Cpu': '0.5',
      'Tag.1.Key': 'a',
      'Tag.1.Value': 'b',
    });
  });
  it('skips null items and keeps booleans as true/false', () => {
    expect(flattenParams({ A: [null, 'x'], B: true })).toEqual({ 'A.2': 'x', B: 'true' });
  });
});
