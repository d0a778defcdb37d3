// 4. API calls per operation, for every row of the cost model in the design brief, counted from
// the emulator's call log, beside the Python package's counts derived from its algorithm.
import { check, startBed, table } from '../lib/common.mjs';
import { spawnSync } from 'node:child_process';

export const name = 'api-calls';
export const title = 'API calls per operation (the cost model), counted from the emulator call log';

// eci-as-sandbox's tmux_wait: poll, sleep 0.1 s growing ×1.5 up to 5 s; each poll costs 2 execs.
function pythonWaitExecs(jobSeconds) {
  let now = 0;
  let interval = 0.1;
  let polls = 0;
  for (;;) {
    polls += 1;
    if (now >= jobSeconds) break;
    now += interval;
    interval = Math.min(interval * 1.5, 5);
  }
  return polls * 2;
}

/** "1 exec + 1 describe" style summary of the calls recorded since the last reset. */
function describeCalls(calls) {
  const counts = new Map();
  for (const record of calls) counts.set(record.action, (counts.get(record.action) ?? 0) + 1);
  const short = {
    ExecContainerCommand: 'exec',
    DescribeContainerGroups: 'describe',
    DescribeContainerGroupStatus: 'status poll',
    CreateContainerGroup: 'create',
  };
  const parts = [...counts].map(([action, count]) => `${count} ${short[action] ?? action}${count === 1 ? '' : 's'}`);
  return { text: parts.length ? parts.join(' + ') : '0', total: calls.length };
}

export async function run({ tmuxJobSeconds = 15 } = {}) {
  // Emulator default start-up delays (50 ms Scheduling, 100 ms Pending), so create+wait polls for real.
  const bed = await startBed({ emulatorOptions: { schedulingMs: 50, pendingMs: 100 } });
  const rows = [];
  const measure = async (operation, python, target, action) => {
    bed.emulator.resetCalls();
    await action();
    const counted = describeCalls(bed.emulator.calls.list());
    rows.push([operation, python, counted.text, String(counted.total), target]);
  };
  try {
    let sandbox;
    await measure('create and wait until Running', 'not offered', '1 create + status polls', async () => {
      const created = check(await bed.client.create({ image: 'ubuntu:24.04', waitUntilRunning: true }), 'create');
      sandbox = created.sandbox;
    });
    try {
      await measure('`bash` on a Sandbox object', '1 exec', '1 exec, 0 describes', async () => {
        check(await sandbox.bash('echo hi'), 'bash');
      });
      const fresh = bed.newClient();
      await measure(
        '`bash` by sandbox id only (first call, new client)',
        '1 exec + 1 describe',
        '1 exec (+1 describe once)',
        async () => {
          check(await fresh.bash(sandbox.id, 'echo hi'), 'bash by id');
        },
      );
      await measure(
        '`bash` by sandbox id only (later calls)',
        '1 exec + 1 describe',
        '1 exec (container name cached)',
        async () => {
          check(await fresh.bash(sandbox.id, 'echo hi'), 'bash by id');
        },
      );
      await measure('100 commands in an agent loop', '100–200 calls', '1 exec via a session', async () => {
        const session = sandbox.openSession();
        try {
          for (let index = 0; index < 100; index += 1) check(await session.run(`echo ${index}`), 'session.run');
        } finally {
          await session.close();
        }
      });
      if (spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0) {
        let sessionId;
        await measure('tmux start', '≥ 2 execs', '1 exec', async () => {
          sessionId = check(await sandbox.tmuxStart('sleep 1; echo started'), 'tmuxStart').sessionId;
        });
        await measure('tmux poll', '2 execs', '1 exec', async () => {
          check(await sandbox.tmuxPoll(sessionId), 'tmuxPoll');
        });
        check(await sandbox.tmuxKill(sessionId), 'tmuxKill');
        const job = check(await sandbox.tmuxStart(`sleep ${tmuxJobSeconds}; echo finished`), 'tmuxStart').sessionId;
        await measure(
          `tmux wait, ${tmuxJobSeconds} s job`,
          `~${pythonWaitExecs(tmuxJobSeconds)} execs (60 s job: ~${pythonWaitExecs(60)})`,
          '1 exec streaming the output',
          async () => {
            const waited = check(await sandbox.tmuxWait(job, { timeoutMs: (tmuxJobSeconds + 30) * 1000 }), 'tmuxWait');
            if (waited.status !== 'COMPLETED') throw new Error(`tmuxWait ended ${waited.status}`);
          },
        );
      } else {
        rows.push(['tmux rows', '—', 'skipped: tmux is not installed', '—', '—']);
      }
    } finally {
      await sandbox?.delete({ force: true });
    }
    return {
      markdown: [
        'Counted from `emulator.calls` (every API call served). Python column: eci-as-sandbox 0.2.x, derived from its algorithm (not run).',
        '',
        table(['operation', 'Python package', 'ours (measured)', 'ours, API calls', 'target'], rows),
        '',
        `The tmux wait row uses a ${tmuxJobSeconds} s job to keep the run short (\`--tmux-job-seconds\`); our count does not grow with the job length, the Python one does.`,
      ].join('\n'),
    };
  } finally {
    await bed.close();
  }
}
