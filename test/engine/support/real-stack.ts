// Real-engine test support: a temp copy of a compose project with a unique name, the real engine and the
// real readiness/port pieces wired like the CLI does, and cleanup of only what the test created.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down } from '../../../src/app/down.js';
import { up, type UpRequest, type UpResult } from '../../../src/app/up.js';
import { loadProject } from '../../../src/compose/index.js';
import type { Engine } from '../../../src/core/engine.js';
import type { StackEvent } from '../../../src/core/events.js';
import { LABEL } from '../../../src/core/labels.js';
import type { Project } from '../../../src/core/model.js';
import { openEngine } from '../../../src/engine/docker/docker-engine.js';
import { pickReplacementPort, rememberReplacementPort, planHostPorts } from '../../../src/engine/ports/plan-host-ports.js';
import { waitForService } from '../../../src/engine/probes/wait-for-service.js';

export const REPO = new URL('../../../', import.meta.url).pathname;

export function uniqueName(prefix: string): string {
  return `${prefix}${Math.random().toString(36).slice(2, 8)}`;
}

export interface RealStack {
  dir: string;
  name: string;
  stateDir: string;
  engine: Engine;
  events: StackEvent[];
  load(): Promise<Project>;
  up(over?: Partial<UpRequest>): Promise<UpResult>;
  down(removeVolumes: boolean): Promise<void>;
  cleanup(): Promise<void>;
}

/** Copies `source` (a folder with a compose file) to a temp folder; the project gets a unique name. */
export async function realStack(source: string, prefix: string): Promise<RealStack> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  cpSync(source, dir, { recursive: true });
  const name = uniqueName(prefix);
  const stateDir = mkdtempSync(join(tmpdir(), `${prefix}-state-`));
  const engine = await openEngine(process.env);
  const events: StackEvent[] = [];
  const load = () => loadProject({ cwd: dir, projectName: name, environment: { ...process.env, COMPOSE_PROJECT_NAME: undefined } });
  const stack: RealStack = {
    dir, name, stateDir, engine, events, load,
    async up(over = {}) {
      const project = await load();
      return up(
        {
          project, services: [], forceRecreate: false, removeOrphans: false, build: false, strictPorts: false, resetPorts: false,
          waitTimeoutMs: 240_000, stateDir, signal: new AbortController().signal, onEvent: (e) => events.push(e), ...over,
        },
        { engine, ports: { plan: planHostPorts, pickReplacement: pickReplacementPort, rememberReplacement: rememberReplacementPort }, waitForService },
      );
    },
    async down(removeVolumes) {
      const project = await load();
      await down(
        { projectName: name, services: project.services, removeVolumes, confirmVolumeRemoval: async () => true, stopTimeoutS: 5, signal: new AbortController().signal, onEvent: () => {} },
        { engine },
      );
    },
    async cleanup() {
      const ids = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
      const label = `label=${LABEL.project}=${name}`;
      for (const id of ids(['ps', '-aq', '--filter', label])) execFileSync('docker', ['rm', '-fv', id]);
      for (const id of ids(['network', 'ls', '-q', '--filter', label])) execFileSync('docker', ['network', 'rm', id]);
      for (const id of ids(['volume', 'ls', '-q', '--filter', label])) execFileSync('docker', ['volume', 'rm', id]);
      for (const ref of ids(['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${name}-*`])) {
        execFileSync('docker', ['rmi', '-f', ref], { stdio: 'ignore' });
      }
      rmSync(dir, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return stack;
}

export function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** Removes the containers (with their anonymous volumes), networks and volumes that carry `project`'s label. */
export function removeProjectObjects(project: string): void {
  const ids = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
  const label = `label=${LABEL.project}=${project}`;
  for (const id of ids(['ps', '-aq', '--filter', label])) execFileSync('docker', ['rm', '-fv', id]);
  for (const id of ids(['network', 'ls', '-q', '--filter', label])) execFileSync('docker', ['network', 'rm', id]);
  for (const id of ids(['volume', 'ls', '-q', '--filter', label])) execFileSync('docker', ['volume', 'rm', id]);
}
