import { describe, expect, it } from 'vitest';
import { indexedGroups, indexedValues, jsonStringArray } from './params.js';

describe('flattened parameters', () => {
  it('groups Prefix.N.* by N in numeric order', () => {
    const params = {
      'Container.2.Name': 'b',
      'Container.10.Name': 'c',
      'Container.1.Name': 'a',
      'Container.1.Command.2': 'y',
      'Container.1.Command.1': 'x',
      'Container.1.EnvironmentVar.1.Key': 'K',
    };
    const groups = indexedGroups(params, 'Container');
    expect(groups.map((group) => group.Name)).toEqual(['a', 'b', 'c']);
    expect(indexedValues(groups[0]!, 'Command')).toEqual(['x', 'y']);
    expect(indexedGroups(groups[0]!, 'EnvironmentVar')).toEqual([{ Key: 'K' }]);
  });

  it('reads JSON string arrays and names the parameter when it is not one', () => {
    expect(jsonStringArray('["a","b"]', 'Command')).toEqual(['a', 'b']);
    expect(() => jsonStringArray('[1]', 'Command')).toThrow(/Command/);
  });
});
