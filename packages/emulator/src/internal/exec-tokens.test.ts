import { describe, expect, it } from 'vitest';
import { ExecTokenStore } from './exec-tokens.js';

describe('ExecTokenStore', () => {
  const grant = { groupId: 'eci-1', containerName: 'main', argv: ['true'], tty: false, stdin: false };

  it('hands a grant out once', () => {
    const store = new ExecTokenStore(30_000, () => 0);
    const token = store.issue(grant);
    expect(store.consume(token)).toMatchObject(grant);
    expect(store.consume(token)).toBe('used');
    expect(store.consume('made-up')).toBe('unknown');
  });

  it('expires a token not used in time', () => {
    let now = 0;
    const store = new ExecTokenStore(30_000, () => now);
    const token = store.issue(grant);
    now = 30_001;
    expect(store.consume(token)).toBe('expired');
  });
});
