// Remembered host-port remaps, one JSON file per project under the state dir, so a remapped port stays
// the same across runs (the app's .env keeps working). `--reset-ports` forgets them.
// It is a cache: a state path that cannot be read or written (not a folder, a FIFO, no permission, a corrupt file)
// costs the memory, with one warning, never the run — and never a hang (files are opened non-blocking and checked
// to be regular files before they are read).
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HIGHEST_PORT, type RememberedPorts } from '../../core/port-plan.js';

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

/** A state file larger than this is not one devstack wrote. */
const MAX_FILE_BYTES = 1024 * 1024;

export class PortMemory {
  private readonly dir: string;
  private readonly warned = new Set<string>();
  /** Problems met so far, once each: the caller shows them as warnings. */
  readonly warnings: string[] = [];

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
    const file = this.fileOf(project);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    const content: PortMemoryFile = { project, ports };
    if (!(await this.mayReplace(file))) return;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`);
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      this.warn(`cannot remember the port remaps in ${file} (${reasonOf(error)}); they may change on the next run`);
    }
  }

  async forget(project: string): Promise<void> {
    const file = this.fileOf(project);
    if (!(await this.mayReplace(file))) return;
    try {
      await rm(file, { force: true });
    } catch (error) {
      this.warn(`cannot forget the remembered ports in ${file} (${reasonOf(error)})`);
    }
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

  /** A missing file is no memory; anything else unreadable is no memory with a warning (it is a cache). */
  private async readFile(file: string): Promise<PortMemoryFile | undefined> {
    const text = await this.readText(file);
    if (text === undefined) return undefined;
    const parsed = parsePortMemory(text);
    if (typeof parsed === 'string') {
      this.warn(`ignored ${file}: ${parsed}`);
      return undefined;
    }
    for (const problem of parsed.dropped) this.warn(`ignored ${problem} in ${file}`);
    return parsed.memory;
  }

  private async readText(file: string): Promise<string | undefined> {
    let handle;
    try {
      // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
      handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(`cannot read ${file} (${reasonOf(error)}); remembered ports are not used`);
      return undefined;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        this.warn(`ignored ${file}: not a regular file; remembered ports are not used`);
        return undefined;
      }
      if (stat.size > MAX_FILE_BYTES) {
        this.warn(`ignored ${file}: ${stat.size} bytes is not a port memory devstack wrote`);
        return undefined;
      }
      return await handle.readFile('utf8');
    } catch (error) {
      this.warn(`cannot read ${file} (${reasonOf(error)}); remembered ports are not used`);
      return undefined;
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** Only a regular file (or nothing) is devstack's to replace: a FIFO or folder someone put there is left alone. */
  private async mayReplace(file: string): Promise<boolean> {
    try {
      if ((await lstat(file)).isFile()) return true;
      this.warn(`left ${file} alone: not a regular file; remembered ports are not kept`);
      return false;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      this.warn(`cannot remember the port remaps in ${file} (${reasonOf(error)}); they may change on the next run`);
      return false;
    }
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warnings.push(message);
  }
}

/**
 * One project's memory file, checked: what is not JSON of the right shape is a reason (a string); remembered ports
 * that are not TCP/UDP port numbers (1-65535) are dropped and named.
 */
export function parsePortMemory(text: string): { memory: PortMemoryFile; dropped: string[] } | string {
  let parsed: Partial<PortMemoryFile>;
  try {
    parsed = JSON.parse(text) as Partial<PortMemoryFile>;
  } catch {
    return 'not valid JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.project !== 'string' || typeof parsed.ports !== 'object' || parsed.ports === null) {
    return 'not a port memory ({ "project": …, "ports": { … } })';
  }
  const ports: RememberedPorts = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(parsed.ports)) {
    if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= HIGHEST_PORT) ports[key] = value as number;
    else dropped.push(`remembered port ${JSON.stringify(value)} for ${key} (not a port number)`);
  }
  return { memory: { project: parsed.project, ports }, dropped };
}

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? (error instanceof Error ? error.message : String(error));
}
