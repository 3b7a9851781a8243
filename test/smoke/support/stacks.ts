// Compose projects in temp folders with unique names for CLI tests, and cleanup of only what they created.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABEL } from '../../../src/core/labels.js';

export const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

export interface CliStacks {
  /** A per-test-file state dir (remembered ports): pass it as DEVSTACK_STATE_DIR. */
  stateDir: string;
  /** A folder holding `compose.yaml` with `compose`, and a unique project name. */
  stackDir(compose: string): { dir: string; name: string };
  /** Removes the containers, networks and volumes of the projects made here, and the state dir. */
  cleanup(): void;
}

export function cliStacks(prefix: string): CliStacks {
  const projects: string[] = [];
  const stateDir = mkdtempSync(join(tmpdir(), `${prefix}-state-`));
  return {
    stateDir,
    stackDir(compose) {
      const name = `${prefix}${Math.random().toString(36).slice(2, 8)}`;
      const dir = mkdtempSync(join(tmpdir(), `${name}-`));
      writeFileSync(join(dir, 'compose.yaml'), compose);
      projects.push(name);
      return { dir, name };
    },
    cleanup() {
      for (const name of projects) {
        const label = `label=${LABEL.project}=${name}`;
        for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
        for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
        for (const id of docker(['volume', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['volume', 'rm', id]);
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
