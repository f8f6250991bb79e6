/** What the browser tests read from `ps`: Chromium processes a test left behind. */
import { execFileSync } from 'node:child_process';

interface Proc {
  pid: number;
  ppid: number;
  stat: string;
  comm: string;
}

function processes(): Proc[] {
  const rows = execFileSync('ps', ['-eo', 'pid,ppid,stat,comm'], { encoding: 'utf8' }).trim().split('\n').slice(1);
  return rows
    .map((l) => l.trim().split(/\s+/))
    .map(([pid, ppid, stat, ...comm]) => ({ pid: Number(pid), ppid: Number(ppid), stat: stat ?? '', comm: comm.join(' ') }));
}

/** Live (not zombie) Chromium processes whose ancestor is this test process. */
export function chromiumDescendants(): number[] {
  const procs = processes();
  const parent = new Map(procs.map((p) => [p.pid, p.ppid]));
  const descends = (pid: number) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return procs.filter((p) => /chrom/i.test(p.comm) && !p.stat.startsWith('Z') && descends(p.pid)).map((p) => p.pid);
}

/** Live crash handlers: Debian's Chromium daemonizes them (parent: init), so they are no descendants. */
export function crashHandlers(): number[] {
  return processes()
    .filter((p) => /crashpad/.test(p.comm) && !p.stat.startsWith('Z'))
    .map((p) => p.pid);
}

/** Polls `cond` every 100 ms for at most `ms`; its last answer. */
export async function eventually(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}
