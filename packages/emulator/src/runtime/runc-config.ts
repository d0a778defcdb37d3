/**
 * The OCI runtime spec (1.0) config.json for one sandbox, written by hand as a plain object.
 *
 * Namespaces: pid, mount, uts and ipc are the sandbox's own; the network namespace is the host's
 * (so networking just works: the sandbox binds host ports and uses the host's DNS). There is no
 * user namespace: the process is root inside, with Docker's default capability set (no
 * CAP_SYS_ADMIN, no CAP_NET_ADMIN, so it cannot remount or reconfigure the shared network).
 */

export interface RuncConfigInput {
  /** Hostname inside the sandbox. */
  hostname: string;
  /** The (already mounted) root file system. */
  rootfsPath: string;
  argv: string[];
  /** `KEY=value` strings. */
  env: string[];
  cwd: string;
  /** Host directories hidden inside the sandbox under an empty read-only tmpfs. */
  maskDirectories: string[];
  /** Files bind-mounted over /etc/hostname and /etc/hosts, when present. */
  hostnameFile?: string;
  hostsFile?: string;
  /**
   * The container's cgroup, relative (runc puts it beside its own cgroup); unique per start, as
   * runc's default (the container id) would be shared by same-named sandboxes of two emulators.
   */
  cgroupsPath: string;
  /** cgroup limits; omitted when the host does not allow them. */
  resources?: { cpu?: number; memoryBytes?: number };
}

/** Docker's default capabilities. */
const capabilities = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

const cpuPeriodMicroseconds = 100_000;

export function buildRuncConfig(input: RuncConfigInput): Record<string, unknown> {
  const mounts: Record<string, unknown>[] = [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] },
  ];
  if (input.hostnameFile) {
    mounts.push({ destination: '/etc/hostname', type: 'bind', source: input.hostnameFile, options: ['rbind', 'rprivate'] });
  }
  if (input.hostsFile) {
    mounts.push({ destination: '/etc/hosts', type: 'bind', source: input.hostsFile, options: ['rbind', 'rprivate'] });
  }
  for (const directory of input.maskDirectories) {
    mounts.push({
      destination: directory,
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['ro', 'nosuid', 'nodev', 'noexec', 'mode=755', 'size=4k'],
    });
  }

  const resources: Record<string, unknown> = {
    // Deny every device first; runc then allows its default set (null, zero, tty, ptmx, …).
    devices: [{ allow: false, access: 'rwm' }],
  };
  if (input.resources?.cpu !== undefined && input.resources.cpu > 0) {
    resources.cpu = {
      period: cpuPeriodMicroseconds,
      quota: Math.max(1000, Math.round(input.resources.cpu * cpuPeriodMicroseconds)),
    };
  }
  if (input.resources?.memoryBytes !== undefined && input.resources.memoryBytes > 0) {
    resources.memory = { limit: Math.round(input.resources.memoryBytes) };
  }

  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: input.argv,
      env: input.env,
      cwd: input.cwd,
      capabilities: {
        bounding: capabilities,
        effective: capabilities,
        permitted: capabilities,
      },
      noNewPrivileges: false,
    },
    root: { path: input.rootfsPath, readonly: false },
    hostname: input.hostname,
    mounts,
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }],
      cgroupsPath: input.cgroupsPath,
      resources,
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/proc/scsi',
        '/sys/firmware',
        '/sys/devices/virtual/powercap',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}
