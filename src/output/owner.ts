// Who holds a lock or a working folder, named well enough to tell when that process is provably
// gone. A pid alone proves nothing: a build in another PID namespace (a container with host
// networking, `unshare --pid`) or on a VM cloned from this one has the same host name and pids of
// its own, which this process cannot see. So an owner is also named by the kernel's boot id, its
// PID namespace and its process's start time. It is taken for gone only when it is of this boot
// and this namespace, and its pid runs no more or runs a process that started at another time (the
// pid was reused). Anything else may still run, and its lock and files are left alone.
//
// Records of older versions (and of systems without /proc) name only the host and the pid; they
// are judged as those versions judged them, host and pid, but only by a process that sees every
// pid of the machine: one in the first PID namespace.
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** A process as a lock file records it. */
export interface ProcessOwner {
  host: string;
  pid: number;
  /** /proc/sys/kernel/random/boot_id (Linux); absent elsewhere and in older versions' records. */
  boot?: string;
  /** readlink /proc/self/ns/pid, e.g. "pid:[4026531836]". */
  pidns?: string;
  /** readlink /proc/self/ns/time: the start time below is counted in it. */
  timens?: string;
  /** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks after boot. */
  startTicks?: string;
}

/** An owner as far as it can be judged: `context` stands for boot + namespaces (absent: an older record). */
export interface Owner {
  /** Letters and digits only, as names carry it. */
  host: string;
  pid: number;
  startTicks?: string;
  context?: string;
}

/** The first PID namespace's inode is fixed in Linux (PROC_PID_INIT_INO). */
const INITIAL_PID_NS = 'pid:[4026531836]';

const safeHost = (host: string) => host.replace(/[^A-Za-z0-9]/g, '') || 'host';

const read = (read: () => string): string | undefined => {
  try {
    return read().trim();
  } catch {
    return undefined;
  }
};

/** /proc/<pid>/stat: the start time and whether the process has already exited (a zombie). */
function statOf(pid: number | 'self'): { startTicks: string; exited: boolean } | undefined {
  const text = read(() => readFileSync(`/proc/${pid}/stat`, 'latin1'));
  // Field 2, the command name, is in parentheses and may hold spaces and parentheses itself.
  const fields = text?.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTicks = fields?.[19];
  if (!fields || !startTicks || !/^\d+$/.test(startTicks)) return undefined;
  return { startTicks, exited: fields[0] === 'Z' || fields[0] === 'X' };
}

let self: Readonly<ProcessOwner> | undefined;

/** This process (every thread of it alike). */
export function thisProcess(): Readonly<ProcessOwner> {
  if (self) return self;
  const boot = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'latin1'));
  const pidns = read(() => readlinkSync('/proc/self/ns/pid'));
  const timens = read(() => readlinkSync('/proc/self/ns/time'));
  const startTicks = statOf('self')?.startTicks;
  self = {
    host: hostname(),
    pid: process.pid,
    ...(boot ? { boot } : {}),
    ...(pidns ? { pidns } : {}),
    ...(timens ? { timens } : {}),
    ...(startTicks ? { startTicks } : {}),
  };
  return self;
}

const contextOf = (owner: ProcessOwner): string | undefined =>
  owner.boot && owner.pidns ? createHash('sha256').update(`${owner.boot}\n${owner.pidns}\n${owner.timens ?? ''}`).digest('hex').slice(0, 16) : undefined;

export const ownerOf = (owner: ProcessOwner): Owner => ({
  host: safeHost(owner.host),
  pid: owner.pid,
  ...(owner.startTicks ? { startTicks: owner.startTicks } : {}),
  ...(contextOf(owner) ? { context: contextOf(owner) } : {}),
});

/**
 * This process as a file name carries it: v2-<host>-<pid>-<start ticks>-<context>, "x" where a
 * part is not known. The "v2-" keeps older versions off it: they read the pid from a fixed place.
 */
export function ownerTag(): string {
  const me = ownerOf(thisProcess());
  return `v2-${me.host}-${me.pid}-${me.startTicks ?? 'x'}-${me.context ?? 'x'}`;
}

/** The owner named at the start of `text` by ownerTag, and what follows it. */
export function parseOwnerTag(text: string): { owner: Owner; rest: string } | undefined {
  const match = /^v2-([A-Za-z0-9]+)-(\d+)-(\d+|x)-([0-9a-f]{16}|x)(?=-|$)/.exec(text);
  if (!match) return undefined;
  const [whole, host, pid, startTicks, context] = match as unknown as [string, string, string, string, string];
  return {
    owner: { host, pid: Number(pid), ...(startTicks !== 'x' ? { startTicks } : {}), ...(context !== 'x' ? { context } : {}) },
    rest: text.slice(whole.length),
  };
}

/** An owner of an older version's record: the host (as names carry it; unknown in sign's) and the pid. */
export const olderOwner = (host: string | undefined, pid: number): Owner => ({ host: host === undefined ? '' : safeHost(host), pid });

export function isThisProcess(owner: Owner): boolean {
  const me = ownerOf(thisProcess());
  if (owner.pid !== me.pid || (owner.host !== '' && owner.host !== me.host)) return false;
  if (owner.context === undefined || me.context === undefined) return owner.context === me.context;
  return owner.context === me.context && (owner.startTicks === undefined || owner.startTicks === me.startTicks);
}

/** Whether `owner` provably runs no more, so that its lock or files may be taken over or removed. */
export function isProvablyGone(owner: Owner): boolean {
  if (isThisProcess(owner)) return false;
  const me = ownerOf(thisProcess());
  if (owner.context === undefined) {
    // An older version's record names no namespace: only a process that sees every pid can judge
    // it (Linux: one in the first PID namespace; elsewhere there are no PID namespaces).
    const seesEveryPid = process.platform === 'linux' ? thisProcess().pidns === INITIAL_PID_NS : true;
    return seesEveryPid && (owner.host === '' || owner.host === me.host) && !isRunning(owner.pid);
  }
  if (owner.context !== me.context) return false;
  if (!isRunning(owner.pid)) return true;
  // The pid runs: the owner, or a later process that got its pid. Told apart by the start time,
  // read from /proc only if /proc is this namespace's (under `unshare --pid` without a /proc of
  // its own, /proc/<pid> is another process).
  if (owner.startTicks === undefined || read(() => readlinkSync('/proc/self')) !== String(process.pid)) return false;
  const now = statOf(owner.pid);
  return now !== undefined && (now.startTicks !== owner.startTicks || now.exited);
}

/** Whether process `pid` of this namespace runs (one of another user's counts as running). */
function isRunning(pid: number): boolean {
  // 0 and negative pids would ask about whole process groups; no pid is past 2^31.
  if (!Number.isInteger(pid) || pid <= 0 || pid >= 2 ** 31) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where the owner of a lock runs, as the refusal names it. */
export function ownerPlace(owner: ProcessOwner): string {
  const me = thisProcess();
  if (owner.boot && me.boot && owner.boot !== me.boot) return `${owner.host} 上的进程 ${owner.pid}（另一台同名的机器，或本机重启之前）`;
  if (owner.pidns && me.pidns && owner.pidns !== me.pidns) return `${owner.host} 上另一个 PID 命名空间（容器或宿主机）里的进程 ${owner.pid}`;
  return `${owner.host} 上的进程 ${owner.pid}`;
}
