import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { FaultInjector } from '../faults.js';
import type { RunningSandbox, SandboxRuntime } from '../runtime/types.js';

export type ContainerGroupStatus = 'Scheduling' | 'Pending' | 'Running' | 'Restarting' | 'Succeeded' | 'Failed' | 'Expired';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface ContainerDefinition {
  name: string;
  image: string;
  cpu: number;
  memory: number;
  commands: string[];
  args: string[];
  environmentVars: Array<{ key: string; value: string }>;
  ports: Array<{ port: number; protocol: string }>;
  workingDir?: string;
  imagePullPolicy: string;
  stdin: boolean;
  tty: boolean;
}

export interface ContainerGroupDefinition {
  name: string;
  regionId: string;
  zoneId: string;
  vSwitchId: string;
  securityGroupId: string;
  cpu: number;
  memory: number;
  restartPolicy: RestartPolicy;
  tags: Array<{ key: string; value: string }>;
  containers: ContainerDefinition[];
  activeDeadlineSeconds?: number;
  instanceType?: string;
  resourceGroupId?: string;
}

export interface ContainerState {
  state: 'Waiting' | 'Running' | 'Terminated';
  reason?: string;
  startTime?: string;
  finishTime?: string;
  exitCode?: number;
  signal?: number;
}

export interface GroupEvent {
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  message: string;
  name: string;
  reason: string;
  type: 'Normal' | 'Warning';
}

/** ECI's time format: RFC 3339 in UTC without fractions. */
export const formatTime = (time: number): string => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class ContainerGroup {
  status: ContainerGroupStatus = 'Scheduling';
  statusChangedAt: number;
  readonly creationTime: number;
  succeededTime?: number;
  failedTime?: number;
  expiredTime?: number;
  readonly events: GroupEvent[] = [];
  currentState: ContainerState = { state: 'Waiting', reason: 'ContainerCreating' };
  previousState?: ContainerState;
  restartCount = 0;
  ready = false;
  sandbox?: RunningSandbox;
  previousLog: Buffer = Buffer.alloc(0);
  /** Bumped by every restart, expiry and deletion: an async step of an older generation stops. */
  generation = 0;
  deleted = false;
  readonly timers = new Set<NodeJS.Timeout>();
  /** Settles when the runtime start in progress (if any) is done with the sandbox directory. */
  starting: Promise<void> | undefined;
  /** Resolvers of pending waits, called when the group is deleted or expires. */
  readonly wakers = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly sequence: number,
    readonly definition: ContainerGroupDefinition,
    now: number,
  ) {
    this.creationTime = now;
    this.statusChangedAt = now;
  }

  get mainContainer(): ContainerDefinition {
    return this.definition.containers[0] as ContainerDefinition;
  }

  addEvent(reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    const now = formatTime(Date.now());
    const last = this.events[this.events.length - 1];
    if (last && last.reason === reason && last.message === message) {
      last.count += 1;
      last.lastTimestamp = now;
      return;
    }
    this.events.push({
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      message,
      name: `${this.id}.${this.events.length + 1}`,
      reason,
      type,
    });
    // ECI keeps at most 50 events per group.
    if (this.events.length > 50) this.events.shift();
  }
}

export interface LifecycleOptions {
  runtime: SandboxRuntime;
  stateDir: string;
  schedulingMs: number;
  pendingMs: number;
  faults: FaultInjector;
  /** Delay before restarting a main process that exited, doubling per restart up to this cap. */
  maxRestartBackoffMs?: number;
}

const MAX_LOG_BYTES = 1024 * 1024;

/**
 * Container groups and their status machine: Scheduling → Pending → Running, Restarting,
 * Succeeded / Failed under the restart policy, Expired at the deadline. Emits `status`
 * (group) on every change.
 */
export class ContainerGroupStore extends EventEmitter {
  readonly groups = new Map<string, ContainerGroup>();
  private sequence = 0;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: LifecycleOptions) {
    super();
  }

  sandboxDir(id: string): string {
    return join(this.options.stateDir, 'sandboxes', id);
  }

  create(id: string, definition: ContainerGroupDefinition): ContainerGroup {
    this.sequence += 1;
    const group = new ContainerGroup(id, this.sequence, definition, Date.now());
    this.groups.set(id, group);
    group.addEvent('Scheduling', 'The container group is being scheduled.');
    this.later(group, this.options.schedulingMs, () => this.schedule(group));
    if (definition.activeDeadlineSeconds !== undefined) {
      this.later(group, definition.activeDeadlineSeconds * 1000, () => this.expire(group), false);
    }
    return group;
  }

  /** Runs `step` after `delayMs` unless the group changed generation (or was deleted) meanwhile. */
  private later(group: ContainerGroup, delayMs: number, step: () => unknown, sameGeneration = true): void {
    const generation = group.generation;
    const timer = setTimeout(() => {
      group.timers.delete(timer);
      if (group.deleted || (sameGeneration && group.generation !== generation)) return;
      this.track(Promise.resolve().then(step));
    }, delayMs);
    group.timers.add(timer);
  }

  /** Waits `delayMs`, or less if the group is deleted or expires meanwhile (then callers bail out). */
  private sleep(group: ContainerGroup, delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        group.timers.delete(timer);
        group.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, delayMs);
      group.timers.add(timer);
      group.wakers.add(wake);
    });
  }

  private wakeAll(group: ContainerGroup): void {
    for (const timer of group.timers) clearTimeout(timer);
    group.timers.clear();
    for (const wake of [...group.wakers]) wake();
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.emit('error-log', error)).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private setStatus(group: ContainerGroup, status: ContainerGroupStatus): void {
    group.status = status;
    group.statusChangedAt = Date.now();
    this.emit('status', group);
  }

  private schedule(group: ContainerGroup): void {
    this.setStatus(group, 'Pending');
    group.addEvent('Scheduled', 'Successfully assigned the container group to the emulator.');
    const slowMs = this.options.faults.forStart();
    if (slowMs > 0) group.addEvent('SlowStart', `Fault injection: Pending lasts ${slowMs} ms longer.`, 'Warning');
    void this.startMain(group, this.options.pendingMs + slowMs, 'Started');
  }

  private sandboxSpec(group: ContainerGroup) {
    const container = group.mainContainer;
    return {
      id: group.id,
      name: group.definition.name,
      containerName: container.name,
      image: container.image,
      command: container.commands,
      args: container.args,
      env: Object.fromEntries(container.environmentVars.map(({ key, value }) => [key, value])),
      workingDir: container.workingDir,
      cpu: container.cpu || undefined,
      memoryGiB: container.memory || undefined,
      stateDir: this.sandboxDir(group.id),
    };
  }

  /** Starts the main process; the group turns Running when both the start and `minimumMs` are done. */
  private startMain(group: ContainerGroup, minimumMs: number, reason: string): Promise<void> {
    const generation = group.generation;
    const work = (async () => {
      const waited = this.sleep(group, minimumMs);
      // One runtime start per group at a time: a superseded start must have finished (and been
      // stopped) before the next one touches the same directory.
      const previousStart = group.starting;
      let release!: () => void;
      group.starting = new Promise<void>((resolve) => (release = resolve));
      let sandbox: RunningSandbox;
      try {
        await previousStart;
        if (group.deleted || group.generation !== generation) {
          release();
          return;
        }
        if (group.mainContainer.image)
          group.addEvent(
            'Pulled',
            `Image "${group.mainContainer.image}" is not pulled by the emulator; the ${this.options.runtime.name} runtime stands in for it.`,
          );
        sandbox = await this.options.runtime.start(this.sandboxSpec(group));
      } catch (error) {
        release();
        if (group.deleted || group.generation !== generation) return;
        group.addEvent('Failed', `Error: failed to start the container: ${(error as Error).message}`, 'Warning');
        group.currentState = { state: 'Terminated', reason: 'StartError', exitCode: 128, finishTime: formatTime(Date.now()) };
        group.failedTime = Date.now();
        this.setStatus(group, 'Failed');
        return;
      }
      if (group.deleted || group.generation !== generation) {
        // Superseded (deleted, restarted or expired while starting). Destroying would remove the
        // directory that a newer start of the same group may be using, so only stop it then.
        await (group.deleted ? sandbox.destroy() : sandbox.stop()).finally(release);
        return;
      }
      release();
      group.sandbox = sandbox;
      await waited;
      if (group.deleted || group.generation !== generation) return;
      group.currentState = { state: 'Running', startTime: formatTime(Date.now()) };
      group.ready = true;
      group.addEvent(reason, `Started container ${group.mainContainer.name}.`);
      this.setStatus(group, 'Running');
      void sandbox.exited.then((exitCode) => this.onMainExit(group, sandbox, generation, exitCode));
    })();
    this.track(work);
    return work;
  }

  private async onMainExit(group: ContainerGroup, sandbox: RunningSandbox, generation: number, exitCode: number): Promise<void> {
    if (group.deleted || group.generation !== generation || group.sandbox !== sandbox) return;
    const finished: ContainerState = {
      state: 'Terminated',
      reason: exitCode === 0 ? 'Completed' : 'Error',
      exitCode,
      startTime: group.currentState.startTime,
      finishTime: formatTime(Date.now()),
    };
    if (exitCode > 128) finished.signal = exitCode - 128;
    const policy = group.definition.restartPolicy;
    const restart = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    if (!restart) {
      group.generation += 1;
      group.currentState = finished;
      group.ready = false;
      if (exitCode === 0) group.succeededTime = Date.now();
      else group.failedTime = Date.now();
      group.addEvent(
        exitCode === 0 ? 'Completed' : 'Error',
        `Container ${group.mainContainer.name} exited with code ${exitCode}.`,
        exitCode === 0 ? 'Normal' : 'Warning',
      );
      this.setStatus(group, exitCode === 0 ? 'Succeeded' : 'Failed');
      this.track(sandbox.stop());
      return;
    }
    // Restart in place, as a kubelet does: the group stays Running, the container count goes up.
    group.generation += 1;
    group.previousState = finished;
    group.currentState = { state: 'Waiting', reason: 'CrashLoopBackOff' };
    group.ready = false;
    group.restartCount += 1;
    group.addEvent('BackOff', `Back-off restarting container ${group.mainContainer.name} (exit code ${exitCode}).`, 'Warning');
    this.emit('status', group);
    const backoffMs = Math.min(50 * 2 ** Math.min(group.restartCount - 1, 10), this.options.maxRestartBackoffMs ?? 2000);
    await this.replaceSandbox(group, sandbox);
    if (group.deleted) return;
    await this.startMain(group, backoffMs, 'Started');
  }

  private async replaceSandbox(group: ContainerGroup, sandbox: RunningSandbox | undefined): Promise<void> {
    if (!sandbox) return;
    await sandbox.stop();
    const log = await sandbox.readLog().catch(() => Buffer.alloc(0));
    group.previousLog = log.length > MAX_LOG_BYTES ? log.subarray(log.length - MAX_LOG_BYTES) : log;
    if (group.sandbox === sandbox) group.sandbox = undefined;
  }

  /** RestartContainerGroup: Restarting, then every process is stopped and the main one started again. */
  restart(group: ContainerGroup): void {
    group.generation += 1;
    const sandbox = group.sandbox;
    group.ready = false;
    group.previousState =
      group.currentState.state === 'Running'
        ? { ...group.currentState, state: 'Terminated', reason: 'Restarted', finishTime: formatTime(Date.now()) }
        : group.previousState;
    group.currentState = { state: 'Waiting', reason: 'Restarting' };
    group.restartCount += 1;
    group.addEvent('Restarting', 'The container group is restarting.');
    this.setStatus(group, 'Restarting');
    this.track(
      (async () => {
        await this.replaceSandbox(group, sandbox);
        if (group.deleted) return;
        await this.startMain(group, this.options.schedulingMs, 'Restarted');
      })(),
    );
  }

  private async expire(group: ContainerGroup): Promise<void> {
    if (group.deleted || ['Succeeded', 'Failed', 'Expired'].includes(group.status)) return;
    group.generation += 1;
    this.wakeAll(group);
    group.expiredTime = Date.now();
    group.ready = false;
    group.currentState = {
      ...group.currentState,
      state: 'Terminated',
      reason: 'DeadlineExceeded',
      finishTime: formatTime(Date.now()),
    };
    group.addEvent(
      'DeadlineExceeded',
      `The container group was active longer than ${group.definition.activeDeadlineSeconds} s.`,
      'Warning',
    );
    this.setStatus(group, 'Expired');
    await group.sandbox?.stop();
  }

  /** Removes a group at once (it disappears from every listing) and destroys its sandbox. */
  async delete(group: ContainerGroup): Promise<void> {
    group.deleted = true;
    group.generation += 1;
    this.wakeAll(group);
    this.groups.delete(group.id);
    this.emit('status', group);
    await group.sandbox?.destroy();
  }

  /** Deletes every group and waits for every pending step, so nothing is left running. */
  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].map((group) => this.delete(group)));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    // A start that finished while closing was destroyed by its own generation check.
  }
}
