import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EciValidationError } from '../src/index.js';
import type { Sandbox } from '../src/index.js';
import type { TestBed } from './helpers.js';
import { closeTestBed, startTestBedWithSandbox } from './helpers.js';

describe('the WebSocket option', () => {
  let bed: TestBed;
  let sandbox: Sandbox;

  beforeAll(async () => {
    ({ bed, sandbox } = await startTestBedWithSandbox());
  });
  afterAll(() => closeTestBed(bed, sandbox));

  it('is used for every exec stream: commands, files, sessions and terminals', async () => {
    const opened: string[] = [];
    class CountingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[], options?: ClientOptions) {
        super(url, protocols, options);
        opened.push(new URL(url).pathname);
      }
    }
    const client = bed.newClient({ WebSocket: CountingWebSocket });
    const bash = await client.bash(sandbox.id, 'echo through-injected');
    expect(bash.stdout).toBe('through-injected\n');
    expect(opened).toHaveLength(1);
    expect((await client.writeFile(sandbox.id, '/tmp/ws.txt', 'x')).success).toBe(true);
    expect(opened).toHaveLength(2);
    const session = client.openSession(sandbox.id);
    expect((await session.run('echo s')).stdout).toBe('s\n');
    await session.close();
    expect(opened).toHaveLength(3);
    const terminal = await client.openTerminal(sandbox.id, { argv: ['true'], cols: 80, rows: 24 });
    expect(terminal.errorMessage).toBe('');
    await terminal.terminal!.wait();
    expect(opened).toHaveLength(4);
  });

  it('must be a constructor: a validation result naming it', async () => {
    const client = bed.newClient({ WebSocket: 'ws' as never });
    const result = await client.bash(sandbox.id, 'true');
    expect(result.success).toBe(false);
    expect(result.error).toBeInstanceOf(EciValidationError);
    expect(result.errorMessage).toContain('WebSocket');
  });
});
