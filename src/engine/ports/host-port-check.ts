// Is a host port free? Asked the only reliable way: try to listen on it (and close at once).
// Who holds it? Read from /proc: the LISTEN socket's inode, then the process whose fd links to it.
import dgram from 'node:dgram';
import { readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { PortProtocol } from '../../core/port-plan.js';

/** The addresses a published port can collide on: loopback and wildcard, v4 and v6. */
export const CHECKED_ADDRESSES = ['127.0.0.1', '0.0.0.0', '::', '::1'] as const;

export type HostPortCheck = { free: true } | { free: false; address: string; code: string };

/** Bind errors that say nothing about the port: no IPv6 on the host; a privileged port the engine (root) can still bind. */
const NOT_A_VERDICT = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EACCES']);

/**
 * Tries to bind `port` on each checked address; EADDRINUSE on any → taken. Other errors (EMFILE, …)
 * are thrown: they are about us, not about the port.
 */
export async function checkHostPort(port: number, protocol: PortProtocol = 'tcp'): Promise<HostPortCheck> {
  for (const address of CHECKED_ADDRESSES) {
    const code = protocol === 'tcp' ? await tryListenTcp(port, address) : await tryBindUdp(port, address);
    if (code === undefined || NOT_A_VERDICT.has(code)) continue;
    if (code === 'EADDRINUSE') return { free: false, address, code };
    throw new Error(`checking host port ${port}/${protocol} on ${address}: ${code}`);
  }
  return { free: true };
}

function tryListenTcp(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'EUNKNOWN'));
    // ipv6Only: `::` then does not also claim 0.0.0.0, which is checked on its own.
    server.listen({ port, host, exclusive: true, ipv6Only: host.includes(':') }, () => {
      server.close(() => resolve(undefined));
    });
  });
}

function tryBindUdp(port: number, address: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', ipv6Only: address.includes(':') });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(error.code ?? 'EUNKNOWN');
    });
    socket.bind({ port, address, exclusive: true }, () => socket.close(() => resolve(undefined)));
  });
}

export interface PortHolder {
  pid: number;
  /** The process name from /proc/<pid>/comm. */
  command: string;
}

/**
 * The process listening on `port` (any address), read from `<procRoot>/net/{tcp,tcp6}` (or udp) and
 * `<procRoot>/<pid>/fd/*`. Undefined when no socket is found or its owner is not visible to us.
 */
export async function findPortHolder(port: number, procRoot = '/proc', protocol: PortProtocol = 'tcp'): Promise<PortHolder | undefined> {
  const tables = protocol === 'tcp' ? ['tcp', 'tcp6'] : ['udp', 'udp6'];
  const inodes = new Set<string>();
  for (const table of tables) {
    const text = await readFile(path.join(procRoot, 'net', table), 'utf8').catch(() => '');
    for (const inode of listeningInodes(text, port, protocol)) inodes.add(inode);
  }
  if (inodes.size === 0) return undefined;

  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids.sort((a, b) => Number(a) - Number(b))) {
    const fdDir = path.join(procRoot, pid, 'fd');
    const fds = await readdir(fdDir).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(path.join(fdDir, fd)).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1] && inodes.has(match[1])) {
        const command = (await readFile(path.join(procRoot, pid, 'comm'), 'utf8').catch(() => '?')).trim();
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}

/** Inodes of sockets bound to `port` in one /proc/net table: LISTEN (0A) for tcp, unconnected (07) for udp. */
export function listeningInodes(table: string, port: number, protocol: PortProtocol): string[] {
  const wantedState = protocol === 'tcp' ? '0A' : '07';
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (!local || !inode || state !== wantedState || inode === '0') continue;
    const portHex = local.slice(local.lastIndexOf(':') + 1);
    if (parseInt(portHex, 16) === port) inodes.push(inode);
  }
  return inodes;
}

/** `held by pid 812 postgres`, or a vaguer phrase when the holder is not visible. */
export async function describeHostPortHolder(port: number, protocol: PortProtocol = 'tcp', procRoot = '/proc'): Promise<string> {
  const holder = await findPortHolder(port, procRoot, protocol);
  return holder ? `held by pid ${holder.pid} ${holder.command}` : 'held by another process';
}
