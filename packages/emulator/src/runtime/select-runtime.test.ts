import { describe, expect, it } from 'vitest';
import { selectRuntime } from './select-runtime.js';

describe('selectRuntime', () => {
  it('gives the process runtime when asked, and says it isolates nothing', async () => {
    const choice = await selectRuntime('process');
    expect(choice.runtime.name).toBe('process');
    expect(choice.runtime.isolated).toBe(false);
    expect(choice.reason).toContain('process');
  });

  it('auto picks runc only where it works, and always says why', async () => {
    const choice = await selectRuntime('auto');
    expect(['runc', 'process']).toContain(choice.runtime.name);
    expect(choice.reason).toMatch(/^auto: /);
    if (process.getuid?.() !== 0) expect(choice.runtime.name).toBe('process');
  });
});
