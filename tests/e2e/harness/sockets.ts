/**
 * The TCP sockets a process tree listens on, read from /proc (Linux): the socket inodes of each process's open
 * file descriptors, matched against the LISTEN rows of /proc/<pid>/net/tcp and tcp6 (the process's own network
 * namespace). No `ss` or `lsof` needed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

export interface ListeningSocket {
  readonly pid: number;
  /** Dotted IPv4 or compressed IPv6 (`::`, `::1`, `::ffff:127.0.0.1`). */
  readonly address: string;
  readonly port: number;
}

/** Source: Linux include/net/tcp_states.h: TCP_LISTEN = 10. */
const TCP_LISTEN = '0A';

/** The pids of `roots` and all their descendants that are still running, from /proc/<pid>/stat's ppid field. */
export function processTree(roots: readonly number[]): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Source: proc(5): "pid (comm) state ppid ...", and comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // The process exited while we looked.
    }
  }
  const tree = new Set(roots.filter((pid) => parentOf.has(pid)));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parentOf) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree].sort((a, b) => a - b);
}

/** One 32-bit word of /proc/net/tcp*: printed as the host-order integer, so the bytes are reversed here. */
function wordBytes(hex: string): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return os.endianness() === 'LE' ? bytes.reverse() : bytes;
}

/** Decodes the address part of a /proc/net/tcp or tcp6 `local_address` (8 or 32 hex digits). */
export function decodeProcAddress(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join('.');
  if (hex.length !== 32) throw new Error(`/proc/net/tcp6: address "${hex}" is not 32 hex digits`);
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => ((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // Compress the longest run of zero groups (RFC 5952), enough for ::, ::1 and the like.
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j += 1;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.length < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8. */
export function isLoopback(address: string): boolean {
  return /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address) || address === '::1';
}

/** Every TCP socket in LISTEN state held open by `roots` or a descendant, sorted by port then pid. */
export function listeningSockets(roots: readonly number[]): ListeningSocket[] {
  const found: ListeningSocket[] = [];
  for (const pid of processTree(roots)) {
    const inodes = new Set<string>();
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match !== null) inodes.add(match[1]);
      } catch {
        // The descriptor closed while we looked.
      }
    }
    for (const table of ['tcp', 'tcp6']) {
      // Source: proc(5) /proc/net/tcp: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode.
      for (const line of fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields.length < 10 || fields[3] !== TCP_LISTEN || !inodes.has(fields[9])) continue;
        const [hex, port] = fields[1].split(':');
        found.push({ pid, address: decodeProcAddress(hex), port: parseInt(port, 16) });
      }
    }
  }
  return found.sort((a, b) => a.port - b.port || a.pid - b.pid);
}
