// Remembered host-port remaps, one JSON file per project under the state dir, so a remapped port stays
// the same across runs (the app's .env keeps working). `--reset-ports` forgets them.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RememberedPorts } from '../../core/port-plan.js';

/** `$DEVSTACK_STATE_DIR`, else `$XDG_STATE_HOME/devstack`, else `~/.local/state/devstack`. */
export function defaultStateDir(env: Record<string, string | undefined> = process.env, home: string = os.homedir()): string {
  if (env.DEVSTACK_STATE_DIR) return env.DEVSTACK_STATE_DIR;
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, 'devstack');
  return path.join(home, '.local', 'state', 'devstack');
}

interface PortMemoryFile {
  project: string;
  ports: RememberedPorts;
}

export class PortMemory {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'ports');
  }

  fileOf(project: string): string {
    return path.join(this.dir, `${encodeURIComponent(project)}.json`);
  }

  async read(project: string): Promise<RememberedPorts> {
    return (await this.readFile(this.fileOf(project)))?.ports ?? {};
  }

  /** Replaces the project's memory; an empty map removes the file. Atomic: write a temp file, rename. */
  async write(project: string, ports: RememberedPorts): Promise<void> {
    if (Object.keys(ports).length === 0) return this.forget(project);
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(project);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    const content: PortMemoryFile = { project, ports };
    await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`);
    await rename(temp, file);
  }

  async forget(project: string): Promise<void> {
    await rm(this.fileOf(project), { force: true });
  }

  /** Host ports other devstack projects remembered: `tcp/5438` → `remembered by devstack project shop`. */
  async portsOfOtherProjects(project: string): Promise<Map<string, string>> {
    const taken = new Map<string, string>();
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.json') || name === path.basename(this.fileOf(project))) continue;
      const memory = await this.readFile(path.join(this.dir, name));
      if (!memory) continue;
      for (const [key, hostPort] of Object.entries(memory.ports)) {
        const protocol = key.endsWith('/udp') ? 'udp' : 'tcp';
        taken.set(`${protocol}/${hostPort}`, `remembered by devstack project ${memory.project}`);
      }
    }
    return taken;
  }

  /** A missing or unreadable file is no memory (it is a cache, not configuration). */
  private async readFile(file: string): Promise<PortMemoryFile | undefined> {
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<PortMemoryFile>;
      if (typeof parsed.project !== 'string' || typeof parsed.ports !== 'object' || parsed.ports === null) return undefined;
      const ports: RememberedPorts = {};
      for (const [key, value] of Object.entries(parsed.ports)) if (Number.isInteger(value)) ports[key] = value as number;
      return { project: parsed.project, ports };
    } catch {
      return undefined;
    }
  }
}
