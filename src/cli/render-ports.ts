import type { PortRow } from '../app/ports-view.js';

/** `postgres  5432/tcp -> 127.0.0.1:5438`, one line per published port, services aligned. */
export function formatPortLines(rows: PortRow[]): string[] {
  const serviceWidth = Math.max(0, ...rows.map((r) => r.service.length));
  const portWidth = Math.max(0, ...rows.map((r) => `${r.containerPort}/${r.protocol}`.length));
  return rows.map((r) => {
    const host = r.hostIp.includes(':') ? `[${r.hostIp}]` : r.hostIp || '0.0.0.0';
    return `${r.service.padEnd(serviceWidth)}  ${`${r.containerPort}/${r.protocol}`.padEnd(portWidth)} -> ${host}:${r.hostPort}`;
  });
}
