import { shellQuote } from '../shell-quote.js';

/**
 * Bash scripts, one per operation. Every value that comes from a caller reaches the script only
 * through `shellQuote` (or base64), and the command itself only as base64 data written to a file.
 * Scripts answer with frames: lines `#<nonce> KIND fields...` (see frames.ts).
 */

export interface ScriptContext {
  /** Random per call; prefixes every frame line. */
  nonce: string;
  /** Shell words that run tmux, already quoted (the program, then e.g. -L name). */
  tmuxWords: string[];
  /** The program part of tmuxWords, quoted, for `command -v`. */
  tmuxProgram: string;
  /** A shell expression for the job root (already quoted, may start with "$HOME"). */
  rootExpression: string;
}

/** The wrapper that runs inside the tmux pane; its working directory is the job directory. */
const WRAPPER = `# eci-sandbox tmux-kit job wrapper (runs in the tmux pane; the working directory is the job directory)
dir=$PWD
# Wait until the starter has attached pipe-pane, so not one byte of output misses the log.
i=0
while [ ! -e "$dir/ready" ]; do
  i=$((i + 1))
  if [ "$i" -gt 1000 ]; then exit 1; fi
  sleep 0.01
done
printf '%s\\n' "$$" > "$dir/pid.tmp" && mv -f "$dir/pid.tmp" "$dir/pid"
jobcwd=
IFS= read -r -d '' jobcwd < "$dir/cwd"
if cd -- "$jobcwd"; then
  bash "$dir/job.sh"
  code=$?
else
  code=1
fi
# The end marker: an OSC sequence terminals ignore. Once the log ends with it, every byte the
# command printed has passed through tmux and pipe-pane into the log.
printf '\\033]5379;eci-end\\007'
i=0
while ! tail -c 15 "$dir/output.log" 2>/dev/null | grep -q eci-end; do
  i=$((i + 1))
  if [ "$i" -gt 500 ]; then break; fi
  sleep 0.01
done
# Publish the exit code atomically; the first writer wins (kill() races with us).
printf '%s\\n' "$code" > "$dir/exit.w$$"
ln "$dir/exit.w$$" "$dir/exit" 2>/dev/null || { [ -e "$dir/exit" ] || mv -f "$dir/exit.w$$" "$dir/exit"; }
rm -f "$dir/exit.w$$"
`;

function prelude(context: ScriptContext, sessionId?: string): string {
  const lines = [
    'set -u',
    // Running inside another tmux must not make tmux refuse or target the wrong server.
    'unset TMUX TMUX_PANE',
    `N=${context.nonce}`,
    `T=(${context.tmuxWords.join(' ')})`,
    'tm() { "${T[@]}" "$@"; }',
    `if ! command -v ${context.tmuxProgram} >/dev/null 2>&1; then printf '\\n#%s NO_TMUX\\n' "$N"; exit 127; fi`,
    `root=${context.rootExpression}`,
    // Quote a value for the shell that tmux runs (pipe-pane commands).
    `sq() { local q="'\\\\''"; local s=\${1//\\'/"$q"}; printf "'%s'" "$s"; }`,
  ];
  if (sessionId !== undefined) {
    lines.push(`id=${shellQuote(sessionId)}`, 'dir="$root/$id"', 'has() { tm has-session -t "=$id" 2>/dev/null; }');
  }
  return `${lines.join('\n')}\n`;
}

/** Sets st (COMPLETED, RUNNING, LOST, FOREIGN, NOT_FOUND) and code. */
const STATE_FUNCTION = `state() {
  code=
  if [ -e "$dir/exit" ]; then st=COMPLETED; IFS= read -r code < "$dir/exit" || true
  elif [ ! -d "$dir" ]; then if has; then st=FOREIGN; else st=NOT_FOUND; fi
  elif has; then st=RUNNING
  elif [ -e "$dir/exit" ]; then st=COMPLETED; IFS= read -r code < "$dir/exit" || true
  else st=LOST
  fi
}
`;

export interface StartScriptOptions {
  sessionId: string;
  /** The job script (env exports + the command), base64. */
  jobBase64: string;
  cwd: string | undefined;
  historyLimit: number | undefined;
  columns: number;
  rows: number;
}

export function buildStartScript(context: ScriptContext, options: StartScriptOptions): string {
  const delimiter = `ECI_WRAPPER_${context.nonce}`;
  const historyCommand =
    options.historyLimit === undefined
      ? 'tm new-session -d -s "$id" -c "$dir" -x "$cols" -y "$rows" bash ./run.sh'
      : // history-limit is read when a pane is created, so it is set globally around new-session in
        // one tmux command list, then put back.
        `old=$(tm show-options -gv history-limit 2>/dev/null) || old=
[ -n "$old" ] || old=2000
tm set-option -g history-limit ${options.historyLimit} \\; new-session -d -s "$id" -c "$dir" -x "$cols" -y "$rows" bash ./run.sh \\; set-option -g history-limit "$old"`;
  return `${prelude(context, options.sessionId)}
cwdin=${options.cwd === undefined ? "''" : shellQuote(options.cwd, 'cwd')}
cols=${options.columns}
rows=${options.rows}
fail() { printf '\\n#%s FAIL %s\\n' "$N" "$1"; exit 1; }
if [ -n "$cwdin" ]; then
  # The trailing "." keeps a directory name's own trailing newlines, which $(…) would strip.
  jobcwd=$(cd -- "$cwdin" 2>/dev/null && pwd && echo .) || { printf '\\n#%s BAD_CWD\\n' "$N"; exit 2; }
  jobcwd=\${jobcwd%?.}
else
  jobcwd=$PWD
fi
if has; then printf '\\n#%s EXISTS\\n' "$N"; exit 3; fi
rm -rf -- "$dir" 2>/dev/null
mkdir -p -- "$dir" || fail mkdir
printf '%s' ${shellQuote(options.jobBase64)} | base64 -d > "$dir/job.sh" || fail decode
printf '%s' "$jobcwd" > "$dir/cwd"
date +%s > "$dir/created"
: > "$dir/output.log"
cat > "$dir/run.sh" <<'${delimiter}'
${WRAPPER}${delimiter}
newsession() {
${historyCommand}
}
# A server that is exiting (its last session just ended) refuses new clients for a moment:
# "server exited unexpectedly". Starting again then reaches a fresh server.
started=
for attempt in 1 2 3 4 5; do
  if err=$(newsession 2>&1); then started=1; break; fi
  case $err in
    *'server exited unexpectedly'*|*'lost server'*|*'no server running'*) sleep 0.1;;
    *) break;;
  esac
done
[ -n "$started" ] || { printf '%s\n' "$err" >&2; fail new-session; }
# pipe-pane (not a tee inside the pane) keeps the program's stdout a real TTY while tmux copies
# every byte the pane receives to the log, however long the output (history-limit does not apply).
if ! tm pipe-pane -t "=$id:" "exec cat >> $(sq "$dir/output.log")"; then
  tm kill-session -t "=$id" 2>/dev/null
  fail pipe-pane
fi
: > "$dir/ready"
if has || [ -e "$dir/exit" ]; then
  printf '\\n#%s STARTED %s\\n' "$N" "$(cat "$dir/created")"
else
  printf '\\n#%s GONE\\n' "$N"
  exit 4
fi
`;
}

export interface PollScriptOptions {
  sessionId: string;
  offset: number;
  /** Bytes to read (maxBytes plus room to see the end marker). */
  readBytes: number;
  /** Read the last `readBytes` of the log instead (`offset` is then ignored). */
  tail?: boolean;
}

export function buildPollScript(context: ScriptContext, options: PollScriptOptions): string {
  return `${prelude(context, options.sessionId)}${STATE_FUNCTION}
state
printf '\\n#%s S %s %s\\n' "$N" "$st" "\${code:-x}"
log="$dir/output.log"
if [ -f "$log" ]; then
  size=$(wc -c < "$log")
  size=\${size//[!0-9]/}
  ${options.tail ? `start=$((size > ${options.readBytes} ? size - ${options.readBytes} : 0))` : `start=${options.offset}`}
  printf '#%s D %s ' "$N" "$start"
  tail -c +$((start + 1)) "$log" | head -c ${options.readBytes} | base64 | tr -d '\\n'
  printf '\\n'
  printf '#%s Z %s\\n' "$N" "$size"
fi
printf '#%s END\\n' "$N"
`;
}

export interface WaitScriptOptions {
  sessionId: string;
  offset: number;
  chunkBytes: number;
  intervalSeconds: string;
  /** Stop after this many whole seconds (0: no limit); a safety net behind the client's own timer. */
  limitSeconds: number;
  /** Loop iterations between heartbeats. */
  heartbeatEvery: number;
  /** Loop iterations between checks that the tmux session is still alive. */
  aliveEvery: number;
  cleanup: boolean;
}

export function buildWaitScript(context: ScriptContext, options: WaitScriptOptions): string {
  return `${prelude(context, options.sessionId)}
off=${options.offset}
log="$dir/output.log"
limit=${options.limitSeconds}
n=0
printf '\\n#%s BEGIN\\n' "$N"
if [ ! -d "$dir" ]; then
  # A session this kit did not start: no log, no exit code; wait for it to end.
  while has; do
    if [ "$limit" -gt 0 ] && [ "$SECONDS" -ge "$limit" ]; then printf '#%s T %s\\n' "$N" "$off"; exit 0; fi
    n=$((n + 1)); if [ $((n % ${options.heartbeatEvery})) -eq 0 ]; then printf '#%s H\\n' "$N"; fi
    sleep ${options.intervalSeconds}
  done
  if [ "$n" -gt 0 ]; then printf '#%s X FOREIGN_ENDED\\n' "$N"; else printf '#%s X NOT_FOUND\\n' "$N"; fi
  exit 0
fi
while :; do
  # Look at the exit file before the log size: once it exists, the log holds all the output.
  if [ -e "$dir/exit" ]; then done=1; else done=0; fi
  size=0
  if [ -f "$log" ]; then size=$(wc -c < "$log"); size=\${size//[!0-9]/}; fi
  sent=0
  while [ "$size" -gt "$off" ]; do
    take=$((size - off))
    if [ "$take" -gt ${options.chunkBytes} ]; then take=${options.chunkBytes}; fi
    printf '#%s D %s ' "$N" "$off"
    tail -c +$((off + 1)) "$log" | head -c "$take" | base64 | tr -d '\\n'
    printf '\\n'
    off=$((off + take))
    sent=1
  done
  if [ "$done" = 1 ]; then
    code=
    IFS= read -r code < "$dir/exit" || true
    printf '#%s E %s %s\\n' "$N" "\${code:-x}" "$off"
    ${options.cleanup ? 'rm -rf -- "$dir"' : ':'}
    exit 0
  fi
  n=$((n + 1))
  if [ $((n % ${options.aliveEvery})) -eq 0 ] && ! has && [ ! -e "$dir/exit" ]; then
    printf '#%s X LOST %s\\n' "$N" "$off"
    exit 0
  fi
  if [ "$limit" -gt 0 ] && [ "$SECONDS" -ge "$limit" ]; then printf '#%s T %s\\n' "$N" "$off"; exit 0; fi
  if [ $((n % ${options.heartbeatEvery})) -eq 0 ]; then printf '#%s H\\n' "$N"; fi
  if [ "$sent" = 0 ]; then sleep ${options.intervalSeconds}; fi
done
`;
}

export function buildKillScript(context: ScriptContext, options: { sessionId: string; graceTenths: number }): string {
  return `${prelude(context, options.sessionId)}
if [ ! -d "$dir" ]; then
  if has; then tm kill-session -t "=$id" 2>/dev/null; printf '\\n#%s K FOREIGN\\n' "$N"; else printf '\\n#%s K NOT_FOUND\\n' "$N"; fi
  exit 0
fi
if [ -e "$dir/exit" ]; then
  code=; IFS= read -r code < "$dir/exit" || true
  printf '\\n#%s K DONE %s\\n' "$N" "\${code:-x}"
  exit 0
fi
pid=
if [ -f "$dir/pid" ]; then IFS= read -r pid < "$dir/pid" || true; fi
case "$pid" in *[!0-9]*) pid= ;; esac
# The wrapper leads the pane's process group: signal the whole group, then close the session.
if [ -n "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; fi
tm kill-session -t "=$id" 2>/dev/null
# Is a live (not zombie) process left in the group? Orphans of a killed group may stay zombies
# where PID 1 does not reap them, so kill -0 alone would wait out the whole grace period.
alive() {
  kill -0 -- "-$1" 2>/dev/null || return 1
  [ -r /proc/self/stat ] || return 0
  local p line rest
  for p in /proc/[0-9]*; do
    IFS= read -r line < "$p/stat" 2>/dev/null || continue
    rest=\${line##*) }
    set -- $1 $rest
    if [ "\${4:-}" = "$1" ] && [ "\${2:-}" != Z ]; then return 0; fi
  done
  return 1
}
i=0
while [ -n "$pid" ] && alive "$pid"; do
  i=$((i + 1))
  if [ "$i" -ge ${options.graceTenths} ]; then kill -KILL -- "-$pid" 2>/dev/null; break; fi
  sleep 0.1
done
# A killed job's exit code is 130 (recorded here, first writer wins: a job that ended on its own
# just before keeps its own code).
printf '130\\n' > "$dir/exit.k$$"
ln "$dir/exit.k$$" "$dir/exit" 2>/dev/null || { [ -e "$dir/exit" ] || mv -f "$dir/exit.k$$" "$dir/exit"; }
rm -f "$dir/exit.k$$"
code=; IFS= read -r code < "$dir/exit" || true
printf '\\n#%s K KILLED %s\\n' "$N" "\${code:-x}"
`;
}

export function buildListScript(context: ScriptContext): string {
  return `${prelude(context)}
printf '\\n#%s BEGIN\\n' "$N"
tm list-sessions -F '#{session_created} #{session_attached} #{session_name}' 2>/dev/null | while IFS=' ' read -r created attached name; do
  printf '#%s T %s %s %s\\n' "$N" "$created" "$attached" "$name"
done
if [ -d "$root" ]; then
  for d in "$root"/*/; do
    [ -f "$d/run.sh" ] || continue
    name=\${d%/}; name=\${name##*/}
    created=0; [ -f "$d/created" ] && { IFS= read -r created < "$d/created" || true; }
    code=-; [ -e "$d/exit" ] && { IFS= read -r code < "$d/exit" || true; }
    printf '#%s J %s %s %s\\n' "$N" "\${created:-0}" "\${code:-x}" "$name"
  done
fi
printf '#%s END\\n' "$N"
`;
}

export function buildCleanupScript(context: ScriptContext, options: { sessionId: string | undefined }): string {
  const targets =
    options.sessionId === undefined
      ? 'for d in "$root"/*/; do d=${d%/}'
      : `for d in "$root"/${shellQuote(options.sessionId)}; do :`;
  return `${prelude(context)}
printf '\\n#%s BEGIN\\n' "$N"
if [ -d "$root" ]; then
  ${targets}
    [ -f "$d/run.sh" ] || continue
    id=\${d##*/}
    if [ -e "$d/exit" ] || ! tm has-session -t "=$id" 2>/dev/null; then
      rm -rf -- "$d" && printf '#%s R %s\\n' "$N" "$id"
    else
      printf '#%s K %s\\n' "$N" "$id"
    fi
  done
fi
printf '#%s END\\n' "$N"
`;
}
