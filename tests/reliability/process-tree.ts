import { readdirSync, readFileSync } from 'node:fs';

/** One process, told apart from a later one with the same pid by its start time. */
export interface ProcessEntry {
  pid: number;
  /** Clock ticks after boot when it started (field 22 of /proc/PID/stat). */
  start: string;
  /** Its command line, arguments joined by spaces. */
  cmdline: string;
}

function stat(pid: number): { ppid: number; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), start: fields[19]! };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Clock ticks per second of /proc's start times (USER_HZ, 100 on every Linux build). */
const TICKS_PER_SECOND = 100;

/** Milliseconds since `entry` started. */
export function ageMs(entry: ProcessEntry): number {
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return (uptime - Number(entry.start) / TICKS_PER_SECOND) * 1000;
}

/** Every process below `root` (children, grandchildren…), read from /proc. */
export function descendants(root: number): ProcessEntry[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const entry = stat(pid);
    if (entry) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), pid]);
  }
  const found: ProcessEntry[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const entry = stat(pid);
    if (!entry) continue;
    found.push({ pid, start: entry.start, cmdline: cmdline(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** The processes of `entries` still alive (same pid and start time). */
export function stillAlive(entries: readonly ProcessEntry[]): ProcessEntry[] {
  return entries.filter((entry) => {
    const now = stat(entry.pid);
    // A zombie has exited: it only waits for its parent to read its status.
    return (
      now?.start === entry.start &&
      !readFileSync(`/proc/${entry.pid}/stat`, 'utf8').includes(') Z ')
    );
  });
}
