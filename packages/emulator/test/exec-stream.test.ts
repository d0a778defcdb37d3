import { encodeClose, encodeFrame, encodeResize, SUBPROTOCOL_V4, SUBPROTOCOL_V5, Channel } from '@eci-sandbox/exec-stream';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { callV1, runExecStream, startTestEmulator, waitFor } from './helpers.js';

describe('the exec WebSocket', () => {
  let emulator: Emulator;
  let groupId: string;

  beforeAll(async () => {
    emulator = await startTestEmulator({ exec: { urlTtlMs: 300 } });
    const created = await callV1(emulator, 'CreateContainerGroup', {
      ContainerGroupName: 'exec-stream',
      'Container.1.Name': 'main',
      'Container.1.Image': 'busybox',
    });
    groupId = created.body.ContainerGroupId as string;
    await waitFor(
      async () => {
        const status = await callV1(emulator, 'DescribeContainerGroupStatus', { ContainerGroupIds: JSON.stringify([groupId]) });
        return (status.body.Data as Array<{ Status: string }>)[0]?.Status === 'Running' ? true : undefined;
      },
      15_000,
      'Running',
    );
  });
  afterAll(async () => {
    await emulator?.close();
  });

  async function execUrl(argv: string[], extra: Record<string, string> = {}): Promise<string> {
    const response = await callV1(emulator, 'ExecContainerCommand', {
      ContainerGroupId: groupId,
      ContainerName: 'main',
      Command: JSON.stringify(argv),
      ...extra,
    });
    expect(response.status).toBe(200);
    return response.body.WebSocketUri as string;
  }

  it('sends the readiness frame, keeps stdout and stderr apart, and with no subprotocol a zero exit sends no status', async () => {
    const result = await runExecStream(await execUrl(['/bin/sh', '-c', 'echo out; echo err >&2; echo out2'], { Stdin: 'false' }));
    expect(result.sawReadiness).toBe(true);
    expect(result.protocol).toBe('');
    expect(result.stdout).toBe('out\nout2\n');
    expect(result.stderr).toBe('err\n');
    expect(result.rawStatus).toEqual([]);
    expect(result.closeCode).toBe(1000);
  });

  it('with no subprotocol, a non-zero exit sends the plain-text message on channel 3', async () => {
    const result = await runExecStream(await execUrl(['/bin/sh', '-c', 'exit 7'], { Stdin: 'false' }));
    expect(result.rawStatus).toEqual(['command terminated with non-zero exit code: exit status 7']);
  });

  it('under v4.channel.k8s.io sends the exit code as a JSON status, zero included', async () => {
    const failed = await runExecStream(await execUrl(['/bin/sh', '-c', 'exit 3'], { Stdin: 'false' }), {
      protocols: [SUBPROTOCOL_V4],
    });
    expect(failed.protocol).toBe(SUBPROTOCOL_V4);
    expect(failed.statuses).toEqual([{ kind: 'exit', exitCode: 3 }]);
    const succeeded = await runExecStream(await execUrl(['true'], { Stdin: 'false' }), { protocols: [SUBPROTOCOL_V4] });
    expect(succeeded.statuses).toEqual([{ kind: 'exit', exitCode: 0 }]);
    const killed = await runExecStream(await execUrl(['/bin/sh', '-c', 'kill -9 $$'], { Stdin: 'false' }), {
      protocols: [SUBPROTOCOL_V4],
    });
    expect(killed.statuses).toEqual([{ kind: 'exit', exitCode: 137 }]);
  });

  it('feeds stdin, and under v5 closes it with [255, 0]', async () => {
    const url = await execUrl(['/bin/sh', '-c', 'cat; echo "[done]"']);
    const result = await runExecStream(url, {
      protocols: [SUBPROTOCOL_V5, SUBPROTOCOL_V4],
      onOpen: (ws) => {
        ws.send(encodeFrame(Channel.stdin, 'line one\n'));
        ws.send('line two\n'); // a text frame is tolerated as stdin
        ws.send(encodeClose(Channel.stdin));
      },
    });
    expect(result.protocol).toBe(SUBPROTOCOL_V5);
    expect(result.stdout).toBe('line one\nline two\n[done]\n');
    expect(result.statuses).toEqual([{ kind: 'exit', exitCode: 0 }]);
  });

  it('ignores stdin when the exec did not ask for it', async () => {
    const url = await execUrl(['/bin/sh', '-c', 'cat; echo "[eof]"'], { Stdin: 'false' });
    const result = await runExecStream(url, {
      protocols: [SUBPROTOCOL_V4],
      onOpen: (ws) => ws.send(encodeFrame(Channel.stdin, 'ignored\n')),
    });
    expect(result.stdout).toBe('[eof]\n');
  });

  it('runs under a TTY and applies resize messages', async () => {
    // The command waits (up to 10 s) until its terminal size changes, then prints it again.
    const script =
      'stty size; i=0; while [ "$(stty size)" = "24 80" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; stty size; echo "tty=$(tty)"';
    const url = await execUrl(['/bin/sh', '-c', script], { TTY: 'true' });
    let resized = false;
    const result = await runExecStream(url, {
      protocols: [SUBPROTOCOL_V4],
      onStdout: (stdout, ws) => {
        if (!resized && stdout.includes('24 80')) {
          resized = true;
          ws.send(encodeResize(132, 43));
        }
      },
    });
    expect(result.stdout).toMatch(/^24 80\r\n43 132\r\ntty=\/dev\/pts\/\d+\r\n$/);
    expect(result.stderr).toBe('');
    expect(result.statuses).toEqual([{ kind: 'exit', exitCode: 0 }]);
  });

  it('echoes stdin under a TTY', async () => {
    const url = await execUrl(['/bin/sh', '-c', 'read line; echo "got:$line"'], { TTY: 'true' });
    const result = await runExecStream(url, {
      protocols: [SUBPROTOCOL_V4],
      onOpen: (ws) => ws.send(encodeFrame(Channel.stdin, 'hello\n')),
    });
    expect(result.stdout).toContain('got:hello\r\n');
  });

  it('refuses a used token and an expired one', async () => {
    const url = await execUrl(['true'], { Stdin: 'false' });
    await runExecStream(url);
    const reused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(reused).toBe(403);
    const issuedAt = Date.now();
    const late = await execUrl(['true'], { Stdin: 'false' });
    // urlTtlMs is 300 in this suite: wait until the URL is past its lifetime.
    await waitFor(() => (Date.now() > issuedAt + 400 ? true : undefined));
    const expired = await new Promise<number>((resolve) => {
      const ws = new WebSocket(late);
      ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(expired).toBe(403);
    const unknown = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${emulator.execEndpoint}?s=nonsense`);
      ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(unknown).toBe(404);
  });

  it('delivers large output intact (backpressure) and counts streams', async () => {
    const before = emulator.calls.execStreams;
    const result = await runExecStream(
      await execUrl(['/bin/sh', '-c', 'head -c 5000000 /dev/zero | tr "\\0" a'], { Stdin: 'false' }),
      {
        protocols: [SUBPROTOCOL_V4],
      },
    );
    expect(result.stdout.length).toBe(5_000_000);
    expect(result.statuses).toEqual([{ kind: 'exit', exitCode: 0 }]);
    expect(emulator.calls.execStreams).toBe(before + 1);
  });

  it('drops a stream mid-output without a status under the dropped-stream fault', async () => {
    emulator.setFaults({ seed: 7, dropStreamRate: 1, dropStreamAfterBytes: 10 });
    try {
      const result = await runExecStream(
        await execUrl(['/bin/sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do echo line-$i; done; sleep 5'], { Stdin: 'false' }),
        { protocols: [SUBPROTOCOL_V4] },
      );
      expect(result.stdout.length).toBeGreaterThan(0);
      expect(result.statuses).toEqual([]);
      expect(result.closeCode).toBe(1006);
    } finally {
      emulator.setFaults({});
    }
  });
});
