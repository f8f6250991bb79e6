/**
 * CPU time of the processes a benchmark measures, read from /proc (Linux): one process, a process
 * and its children (a PostgreSQL postmaster and its backends), and a Redis server by `INFO cpu`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux this runs on). */
const TICKS = 100;

interface Stat {
  ppid: number;
  /** utime + stime of the process itself, seconds. */
  own: number;
  /** cutime + cstime: children it has waited for (a PostgreSQL backend that exited), seconds. */
  reaped: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces); index 0 is field 3 (state).
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(f[i]);
    return { ppid: n(1), own: (n(11) + n(12)) / TICKS, reaped: (n(13) + n(14)) / TICKS };
  } catch {
    return undefined;
  }
}

/** CPU seconds of a process and every live descendant, plus what it reaped from dead children. */
export function treeCpu(root: number): number {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => ({ pid: Number(d), s: stat(Number(d)) }));
  const byParent = new Map<number, number[]>();
  for (const p of all) if (p.s) byParent.set(p.s.ppid, [...(byParent.get(p.s.ppid) ?? []), p.pid]);
  let total = 0;
  const walk = (pid: number, isRoot: boolean) => {
    const s = stat(pid);
    if (!s) return;
    total += s.own + (isRoot ? s.reaped : 0);
    for (const c of byParent.get(pid) ?? []) walk(c, false);
  };
  walk(root, true);
  return total;
}

/** The postmaster of the PostgreSQL server listening on `port` (found by its command line). */
export function postmasterPid(port: number): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('-p');
      if (argv[0]?.endsWith('/postgres') && argv[at + 1] === String(port)) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Resident memory of a process in MB. */
export function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** CPU seconds a Redis server has used (user + system, all its threads). */
export async function redisCpu(url: string): Promise<number> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    const info = await r.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
    return field('used_cpu_sys') + field('used_cpu_user');
  } finally {
    r.disconnect();
  }
}
