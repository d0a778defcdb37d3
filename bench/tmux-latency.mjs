// Completion-notice latency and API calls of tmux-kit's wait, beside the polling schedule of the
// Python package eci-as-sandbox (0.1 s growing x1.5 up to 5 s, 2 execs per poll, >= 2 to start).
//
// Each job records its own end time (date +%s%N) as its last act; the latency is the moment
// wait() resolves minus that time. The runner is the local child_process runner, so one runner
// call stands for one ExecContainerCommand on ECI. Run: node bench/tmux-latency.mjs (after a build).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TmuxKit, createLocalRunner } from '../packages/tmux-kit/dist/index.js';

const JOBS = 20;
const MIN_SECONDS = 0.2;
const MAX_SECONDS = 3;

// The Python package's client-side schedule.
const PY_FIRST_INTERVAL_S = 0.1;
const PY_BACKOFF = 1.5;
const PY_MAX_INTERVAL_S = 5;
const PY_EXECS_PER_POLL = 2;
const PY_EXECS_TO_START = 2;

/** When the Python wait would notice a job of `lengthS` seconds, and how many execs it spends. */
function pythonSchedule(lengthS) {
  let now = 0;
  let interval = PY_FIRST_INTERVAL_S;
  let polls = 0;
  for (;;) {
    polls += 1; // poll, then sleep if not done
    if (now >= lengthS) break;
    now += interval;
    interval = Math.min(interval * PY_BACKOFF, PY_MAX_INTERVAL_S);
  }
  return { latenessMs: (now - lengthS) * 1000, waitCalls: polls * PY_EXECS_PER_POLL, startCalls: PY_EXECS_TO_START };
}

const median = (values) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const max = (values) => Math.max(...values);
const fmt = (value, digits = 1) => value.toFixed(digits);

const directory = mkdtempSync(join(tmpdir(), 'tmux-latency-'));
const inner = createLocalRunner({ env: { TMUX_TMPDIR: directory, TMUX: undefined, TMUX_PANE: undefined } });
let calls = 0;
const runner = (script, options) => {
  calls += 1;
  return inner(script, options);
};
const kit = new TmuxKit(runner, { rootDir: join(directory, 'jobs') });

const rows = [];
try {
  for (let index = 0; index < JOBS; index++) {
    const lengthS = MIN_SECONDS + ((MAX_SECONDS - MIN_SECONDS) * index) / (JOBS - 1);
    const endFile = join(directory, `end-${index}`);
    const before = calls;
    const sessionId = await kit.start(`sleep ${lengthS.toFixed(3)}; echo done; date +%s%N > "$END_FILE"`, {
      env: { END_FILE: endFile },
    });
    const afterStart = calls;
    const result = await kit.wait(sessionId, { cleanup: true });
    const resolvedMs = performance.timeOrigin + performance.now();
    if (result.exitCode !== 0) throw new Error(`job ${sessionId} ended with ${result.exitCode}`);
    const endedMs = Number(BigInt(readFileSync(endFile, 'utf8').trim()) / 1000n) / 1000;
    const python = pythonSchedule(lengthS);
    rows.push({
      lengthS,
      latenessMs: resolvedMs - endedMs,
      startCalls: afterStart - before,
      waitCalls: calls - afterStart,
      python,
    });
  }
} finally {
  await inner('tmux kill-server 2>/dev/null; true');
  rmSync(directory, { recursive: true, force: true });
}

console.log('tmux-kit wait vs eci-as-sandbox polling, per job (lateness = job end -> wait returns)\n');
console.log(
  '| job length s | tmux-kit late ms | tmux-kit calls (start+wait) | python late ms (schedule) | python execs (start+polls) |',
);
console.log('|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(
    `| ${fmt(row.lengthS, 2)} | ${fmt(row.latenessMs)} | ${row.startCalls}+${row.waitCalls} | ${fmt(row.python.latenessMs)} | ${row.python.startCalls}+${row.python.waitCalls} |`,
  );
}

const ours = rows.map((row) => row.latenessMs);
const theirs = rows.map((row) => row.python.latenessMs);
const ourCalls = rows.map((row) => row.startCalls + row.waitCalls);
const theirCalls = rows.map((row) => row.python.startCalls + row.python.waitCalls);
const sixty = pythonSchedule(60);
console.log(`\nSummary over ${JOBS} jobs of ${MIN_SECONDS}-${MAX_SECONDS} s\n`);
console.log('| figure | tmux-kit (measured) | eci-as-sandbox (computed) | ratio python/ours |');
console.log('|---|---:|---:|---:|');
console.log(
  `| completion lateness, median ms | ${fmt(median(ours))} | ${fmt(median(theirs))} | ${fmt(median(theirs) / median(ours))}x |`,
);
console.log(`| completion lateness, max ms | ${fmt(max(ours))} | ${fmt(max(theirs))} | ${fmt(max(theirs) / max(ours))}x |`);
console.log(
  `| API calls per job, median (start+wait) | ${median(ourCalls)} | ${median(theirCalls)} | ${fmt(median(theirCalls) / median(ourCalls))}x |`,
);
console.log(
  `| API calls, all ${JOBS} jobs | ${ourCalls.reduce((a, b) => a + b, 0)} | ${theirCalls.reduce((a, b) => a + b, 0)} | ${fmt(theirCalls.reduce((a, b) => a + b, 0) / ourCalls.reduce((a, b) => a + b, 0))}x |`,
);
console.log(
  `| API calls, one 60 s job (schedule) | 2 | ${sixty.startCalls + sixty.waitCalls} | ${fmt((sixty.startCalls + sixty.waitCalls) / 2)}x |`,
);
console.log('\nThe python column is its schedule alone: it adds no exec round-trip time, so its real lateness and');
console.log('wall time are higher. tmux-kit figures include process start-up of the local runner.');
