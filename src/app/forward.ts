// `devstack forward`: every port the project's running services publish on a remote engine, on this host's
// loopback at the same port (or, when that one is taken here, at a free one, said in the line), and which way
// each goes (ssh, tcp, or an exec in the service's container).
import type { ContainerQueryPort, EngineReachPort, ExecPort, PortRelay } from '../core/engine.js';
import { portsView } from './ports-view.js';

export interface ForwardLine {
  service: string;
  containerPort: number;
  /** Where it answers from here, when forwarded. */
  local?: string;
  remote: string;
  /** How it gets there, when forwarded: `ssh`, `tcp` or `exec in the container`. */
  via?: string;
  note?: string;
}

type ForwardEngine = EngineReachPort & Partial<Pick<ExecPort, 'openExecStream'>>;

export type ForwardPort = (
  engine: ForwardEngine,
  target: { container: string; containerPort: number; hostIp: string; hostPort: number },
) => Promise<{ ok: true; relay: PortRelay; samePort: boolean; via: string } | { ok: false; reason: string }>;

/** Opens the forwards; the caller closes them (`close`) when its signal ends. */
export async function forwardProjectPorts(project: string, engine: ContainerQueryPort & ForwardEngine, forward: ForwardPort): Promise<{ lines: ForwardLine[]; close: () => Promise<void> }> {
  const rows = (await portsView({ projectName: project }, { engine })).filter((r) => r.protocol === 'tcp');
  const seen = new Set<number>();
  const relays: PortRelay[] = [];
  const lines: ForwardLine[] = [];
  for (const row of rows) {
    if (seen.has(row.hostPort)) continue; // 0.0.0.0 and :: for one binding
    seen.add(row.hostPort);
    const remote = `${row.hostIp.includes(':') ? `[${row.hostIp}]` : row.hostIp || '0.0.0.0'}:${row.hostPort}`;
    const outcome = await forward(engine, row);
    if (!outcome.ok) {
      lines.push({ service: row.service, containerPort: row.containerPort, remote, note: `not forwarded: ${outcome.reason}` });
      continue;
    }
    relays.push(outcome.relay);
    lines.push({
      service: row.service,
      containerPort: row.containerPort,
      local: `${outcome.relay.host}:${outcome.relay.port}`,
      remote,
      via: outcome.via,
      ...(outcome.samePort ? {} : { note: `127.0.0.1:${row.hostPort} is taken on this host` }),
    });
  }
  return { lines, close: async () => void (await Promise.all(relays.map((r) => r.close()))) };
}
