// `devstack ps`: the project's containers with state, health and published ports.
import type { ContainerQueryPort, HealthStatus } from '../core/engine.js';
import { containerNumber } from '../core/convergence-plan.js';
import { LABEL } from '../core/labels.js';

export interface PsRow {
  service: string;
  container: string;
  state: string;
  health: HealthStatus;
  exitCode: number | null;
  ports: { hostIp: string; hostPort: number; containerPort: number; protocol: string }[];
}

export async function ps(req: { projectName: string }, deps: { engine: ContainerQueryPort }): Promise<PsRow[]> {
  const { projectName } = req;
  const { engine } = deps;
  const containers = await engine.listProjectContainers(projectName);
  const numbers = new Map(containers.map((c) => [c.name, containerNumber(c)]));
  const rows = await Promise.all(
    containers
      .filter((c) => c.labels[LABEL.project] === projectName && c.labels[LABEL.oneoff] !== 'True')
      .map(async (c): Promise<PsRow> => {
        const d = await engine.inspectContainer(c.id);
        return {
          service: c.labels[LABEL.service] ?? '',
          container: c.name,
          state: d.status,
          health: d.health,
          exitCode: d.status === 'exited' ? d.exitCode : null,
          ports: d.ports
            .map((p) => ({ hostIp: p.hostIp, hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol }))
            .sort((a, b) => a.containerPort - b.containerPort || a.hostIp.localeCompare(b.hostIp)),
        };
      }),
  );
  // Replicas in number order (web-2 before web-10).
  const number = (row: PsRow) => numbers.get(row.container) ?? 0;
  return rows.sort((a, b) => a.service.localeCompare(b.service) || number(a) - number(b) || a.container.localeCompare(b.container));
}
