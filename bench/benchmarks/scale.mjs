// 6. Scale: many sandboxes × commands at a fixed concurrency through one client with the default
// rate limiter, against an emulator enforcing ECI's ExecContainerCommand quota (both scaled in time).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EciSandbox } from '../../packages/sdk/dist/index.js';
import { fixed, median, percentile, table, timedMs } from '../lib/common.mjs';

export const name = 'scale';
export const title = "Scale: sandboxes × commands at concurrency through one client, under ECI's exec quota";

async function startChildEmulator(options) {
  const child = fork(new URL('../lib/emulator-child.mjs', import.meta.url).pathname, [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`emulator child exited ${code}`)));
  });
  const waiting = new Map();
  let nextId = 0;
  child.on('message', (message) => {
    waiting.get(message.id)?.(message.count);
    waiting.delete(message.id);
  });
  const ask = (message) =>
    new Promise((resolve) => {
      nextId += 1;
      waiting.set(nextId, resolve);
      child.send({ ...message, id: nextId });
    });
  return {
    ...ready,
    count: (action, code) => ask({ type: 'count', action, code }),
    groups: () => ask({ type: 'groups' }),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}

export async function run({ sandboxes = 100, commands = 20, concurrency = 50, windowMs = 6000, execQuota = 500 } = {}) {
  const emulator = await startChildEmulator({ quotas: { windowMs, limits: { ExecContainerCommand: execQuota } } });
  const cwd = mkdtempSync(join(tmpdir(), 'eci-bench-scale-'));
  const client = new EciSandbox({
    accessKeyId: emulator.credentials.accessKeyId,
    accessKeySecret: emulator.credentials.accessKeySecret,
    endpoint: emulator.endpoint,
    regionId: emulator.regionId,
    env: {},
    cwd,
    useDefaultCredentialChain: false,
    // The default limiter, with the exec quota scaled like the emulator's.
    rateLimits: { ExecContainerCommand: { limit: execQuota, windowMs } },
  });
  const created = [];
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  try {
    const createMs = await timedMs(async () => {
      const results = await Promise.all(
        Array.from({ length: sandboxes }, () => client.create({ image: 'ubuntu:24.04', waitUntilRunning: true })),
      );
      for (const result of results) {
        if (!result.success) throw new Error(`create failed: ${result.errorMessage}`);
        created.push(result.sandbox);
      }
    });
    // Baseline latency: one command at a time, same client, no contention.
    const quiet = [];
    for (let index = 0; index < 20; index += 1)
      quiet.push(await timedMs(() => created[index % created.length].bash('echo quiet')));
    const rssBefore = process.memoryUsage().rss;
    const execsBefore = await emulator.count('ExecContainerCommand');
    const throttledBefore = await emulator.count('ExecContainerCommand', 'Throttling.User');

    const jobs = [];
    for (let command = 0; command < commands; command += 1) {
      for (let index = 0; index < created.length; index += 1)
        jobs.push({ sandbox: created[index], text: `s${index}-c${command}` });
    }
    const latencies = [];
    const failures = new Map();
    let wrongOutput = 0;
    let next = 0;
    const sampler = setInterval(sample, 50);
    const wallMs = await timedMs(async () => {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < jobs.length) {
            const job = jobs[next];
            next += 1;
            let result;
            latencies.push(
              await timedMs(async () => {
                result = await job.sandbox.bash(`echo ${job.text}`);
              }),
            );
            if (!result.success) {
              const code = result.error?.code ?? result.error?.name ?? 'unknown';
              failures.set(code, (failures.get(code) ?? 0) + 1);
            } else if (result.stdout !== `${job.text}\n`) {
              wrongOutput += 1;
            }
          }
        }),
      );
    });
    clearInterval(sampler);
    sample();
    const execs = (await emulator.count('ExecContainerCommand')) - execsBefore;
    const serverThrottled = (await emulator.count('ExecContainerCommand', 'Throttling.User')) - throttledBefore;
    const callerThrottled = [...failures].filter(([code]) => /Throttl/.test(code)).reduce((sum, [, count]) => sum + count, 0);
    const total = jobs.length;
    const throughput = (total * 1000) / wallMs;
    const ceiling = (execQuota * 1000) / windowMs;
    const mib = (bytes) => fixed(bytes / 1024 / 1024);
    const failureText = failures.size ? [...failures].map(([code, count]) => `${code}: ${count}`).join(', ') : '0';
    return {
      markdown: [
        `${sandboxes} sandboxes × ${commands} commands = ${total} \`bash\` calls, concurrency ${concurrency}, one EciSandbox client.`,
        `ECI allows 500 ExecContainerCommand per 60 s; scaled to ${execQuota} per ${windowMs / 1000} s on BOTH sides (emulator quota and client rate limiter), so the run takes seconds, not minutes.`,
        `The emulator runs in a child process (memory figures are the client's). Creating the ${sandboxes} sandboxes took ${fixed(createMs / 1000, 1)} s (not in the figures).`,
        '',
        table(
          ['figure', 'measured', 'baseline', 'ratio'],
          [
            ['throughput, commands/s', fixed(throughput), `${fixed(ceiling)} (quota ceiling)`, fixed(throughput / ceiling, 2)],
            [
              'latency p50 ms',
              fixed(median(latencies)),
              `${fixed(median(quiet))} (one at a time)`,
              fixed(median(latencies) / median(quiet), 1),
            ],
            [
              'latency p99 ms',
              fixed(percentile(latencies, 0.99)),
              `${fixed(percentile(quiet, 0.99))} (one at a time)`,
              fixed(percentile(latencies, 0.99) / percentile(quiet, 0.99), 1),
            ],
            ['throttling errors seen by the caller (target 0)', String(callerThrottled), '0', '—'],
            ['Throttling answers from the emulator (absorbed by retries)', String(serverThrottled), '0', '—'],
            ['failed calls (any cause)', failureText, '0', '—'],
            ['wrong output', String(wrongOutput), '0', '—'],
            ['ExecContainerCommand calls served', String(execs), String(total), fixed(execs / total, 3)],
            ['client peak RSS MiB', mib(peakRss), `${mib(rssBefore)} (before the run)`, fixed(peakRss / rssBefore, 2)],
            ['client peak heap used MiB', mib(peakHeap), '—', '—'],
          ],
        ),
      ].join('\n'),
    };
  } finally {
    await Promise.all(created.map((sandbox) => sandbox.delete({ force: true })));
    await emulator.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}
