// The one engine for unit tests: every role port over a small in-memory state (containers, images, networks,
// volumes), with the calls that change something recorded in order (`calls`). Events and log lines are live:
// lifecycle calls emit what the engine would, and a test scripts the rest (a crash, a health verdict, a log line)
// through `scripted(id)`. Behaviour one test needs (a start that loses a port race) is a small subclass there.
import { PassThrough, type Readable } from 'node:stream';
import type {
  BuildRequest, ContainerDetails, ContainerInfo, ContainerRequest, Engine, EngineEvent, EngineInfo, ExecResult, ExecStream, LogOptions,
  LogRecord, NetworkRequest, PublishedPort, VolumeRequest,
} from '../../../src/core/engine.js';
import { DevstackError } from '../../../src/core/errors.js';
import { queueIterable, type Queue } from './live-queue.js';
import { ScriptedContainer } from './scripted-container.js';

export interface MemoryContainer {
  id: string;
  request: ContainerRequest;
  /** What inspect answers (a copy): status, health, exit code, restarts, mounts, … */
  details: ContainerDetails;
  logs: LogRecord[];
}

export interface MemoryNetwork {
  id: string;
  name: string;
  labels: Record<string, string>;
  created?: string;
  /** Names of the containers attached; absent: the containers created on it. */
  containers?: string[];
}

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';

export class InMemoryEngine implements Engine {
  /** The calls that change something, in order: `create demo-db-1`, `start demo-db-1`, `network create …`. */
  readonly calls: string[] = [];
  readonly containers = new Map<string, MemoryContainer>();
  /** By id; a network `ensureNetwork` creates has its name as id. */
  readonly networks = new Map<string, MemoryNetwork>();
  /** Labels by volume name. */
  readonly volumes = new Map<string, Record<string, string>>();
  readonly images = new Set<string>();
  /** Paths an image declares as volumes (Dockerfile VOLUME), by image ref. */
  readonly imageVolumeDecls = new Map<string, string[]>();
  /** Service names whose container fails to start. */
  readonly failStart = new Set<string>();
  /** Every `exec`, in order; each exits 0 without output. */
  readonly execs: { id: string; cmd: string[] }[] = [];
  /** What `logs` was asked, in order. */
  readonly logRequests: { id: string; opts: LogOptions }[] = [];
  /** Per-call delay of pulls, builds, creates, starts and stops: makes parallelism and aborts observable. */
  delayMs = 0;
  inspectCount = 0;
  eventSubscriptions = 0;

  private seq = 0;
  private volumeSeq = 0;
  private readonly eventQueues = new Set<Queue<EngineEvent>>();
  private readonly logQueues = new Map<string, Set<Queue<LogRecord>>>();

  /** `now`: the clock events are stamped with (ms since the epoch), a test's own when it runs one. */
  constructor(readonly now: () => number = Date.now) {}

  /** A running container of project `demo` with these details (id `c0ffee` unless given), for waiter tests. */
  static withContainer(overrides: Partial<ContainerDetails> = {}, now: () => number = Date.now): ScriptedContainer {
    const engine = new InMemoryEngine(now);
    return engine.addContainer(overrides);
  }

  /** Puts a container in the state as given (no calls recorded), and returns its script. */
  addContainer(overrides: Partial<ContainerDetails> = {}): ScriptedContainer {
    const details: ContainerDetails = {
      id: overrides.id ?? 'c0ffee', name: 'demo-db-1', image: 'postgres:16-alpine', status: 'running', labels: { [PROJECT]: 'demo' }, ports: [], createdAt: 0,
      health: 'none', healthLog: [], exitCode: null, startedAt: '', finishedAt: '', restartCount: 0, tty: false,
      networks: { demo_default: { ipAddress: '127.0.0.1', aliases: [] } }, env: {}, oomKilled: false, error: '', ...overrides,
    };
    const request: ContainerRequest = {
      name: details.name, image: details.image, labels: details.labels, env: details.env, tty: details.tty, openStdin: false, extraHosts: [],
      networks: [], ports: [], exposedPorts: [], mounts: [],
    };
    this.containers.set(details.id, { id: details.id, request, details, logs: [] });
    return this.scripted(details.id);
  }

  scripted(id: string): ScriptedContainer {
    return new ScriptedContainer(this, id);
  }

  // EngineStatusPort
  async ping(): Promise<EngineInfo> {
    return { serverVersion: 'in-memory', apiVersion: '1.41', os: 'linux' };
  }
  async dataRoot(): Promise<string | undefined> {
    return undefined;
  }

  // ContainerQueryPort
  async listProjectContainers(project: string): Promise<ContainerInfo[]> {
    return [...this.containers.values()].filter((c) => c.details.labels[PROJECT] === project).map((c) => info(c.details));
  }
  async listPublishedPorts(): Promise<{ containerName: string; project?: string; port: PublishedPort }[]> {
    const own: { containerName: string; project?: string; port: PublishedPort }[] = [...this.containers.values()].flatMap((c) => c.details.ports.map((port) => ({ containerName: c.details.name, project: c.details.labels[PROJECT], port })));
    return own;
  }
  async inspectContainer(id: string): Promise<ContainerDetails> {
    this.inspectCount += 1;
    return structuredClone(this.mustGet(id).details);
  }

  // ContainerLifecyclePort
  async createContainer(req: ContainerRequest): Promise<string> {
    await this.step(`create ${req.name}`);
    if (!this.images.has(req.image)) throw new DevstackError('engine', `No such image: ${req.image}`);
    if (this.byName(req.name)) throw new DevstackError('engine', `create container ${req.name}: Conflict. The container name "/${req.name}" is already in use`);
    const id = `c${++this.seq}`;
    const mounts: NonNullable<ContainerDetails['mounts']> = (req.mounts ?? []).map((m) => {
      const name = m.type === 'volume' ? (m.source ?? this.anonymousVolume()) : undefined;
      return { type: m.type, ...(name ? { name } : {}), source: m.source ?? '', target: m.target };
    });
    for (const target of this.imageVolumeDecls.get(req.image) ?? []) {
      if (!mounts.some((m) => m.target === target)) mounts.push({ type: 'volume', name: this.anonymousVolume(), source: '', target });
    }
    const details: ContainerDetails = {
      id, name: req.name, image: req.image, status: 'created', labels: req.labels, ports: [], createdAt: this.seq,
      health: 'none', healthLog: [], exitCode: null, startedAt: '', finishedAt: '', restartCount: 0, tty: req.tty, networks: {}, env: req.env,
      oomKilled: false, error: '', mounts,
    };
    this.containers.set(id, { id, request: req, details, logs: [] });
    this.emit({ id, action: 'create', labels: req.labels });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    const c = this.mustGet(id);
    await this.step(`start ${c.request.name}`);
    if (this.failStart.has(c.details.labels[SERVICE] ?? '')) {
      this.update(c, { status: 'exited', exitCode: 1 });
      this.appendLog(c, 'fatal: cannot start');
      throw new DevstackError('engine', `container ${c.request.name} failed to start`);
    }
    this.update(c, { status: 'running', exitCode: null, startedAt: new Date(this.now()).toISOString() });
    this.emit({ id, action: 'start', labels: c.details.labels });
  }
  async stopContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    await this.step(`stop ${c.request.name}`);
    const wasRunning = c.details.status === 'running';
    this.update(c, { status: 'exited', exitCode: wasRunning ? 0 : c.details.exitCode ?? 0 });
    if (wasRunning) this.emit({ id, action: 'die', exitCode: 0, labels: c.details.labels });
  }
  async restartContainer(id: string): Promise<void> {
    const c = this.mustGet(id);
    await this.step(`restart ${c.request.name}`);
    this.update(c, { status: 'running', exitCode: null, startedAt: new Date(this.now()).toISOString() });
    this.emit({ id, action: 'restart', labels: c.details.labels });
  }
  async renameContainer(id: string, name: string): Promise<void> {
    const c = this.mustGet(id);
    const other = this.byName(name);
    if (other && other !== c) throw new DevstackError('engine', `rename container ${id}: Conflict. The container name "/${name}" is already in use`);
    this.calls.push(`rename ${c.request.name} ${name}`);
    c.request = { ...c.request, name };
    this.update(c, { name });
  }
  /** Anonymous volumes stay (removeVolumes or not): use cases remove them by name, as they must where the engine does not. */
  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    this.calls.push(`rm ${c.request.name}`);
    this.containers.delete(id);
    this.emit({ id, action: 'destroy', labels: c.details.labels });
  }

  // ImagePort
  async imageExists(ref: string): Promise<boolean> {
    return this.images.has(ref);
  }
  async imageId(ref: string): Promise<string | undefined> {
    return this.images.has(ref) ? `sha256:${Buffer.from(ref).toString('hex').padEnd(64, '0').slice(0, 64)}` : undefined;
  }
  async imageUser(ref: string): Promise<string | undefined> {
    return this.images.has(ref) ? '' : undefined; // root
  }
  async imageVolumes(ref: string): Promise<string[]> {
    return this.imageVolumeDecls.get(ref) ?? [];
  }
  async pullImage(ref: string): Promise<void> {
    await this.step(`pull ${ref}`);
    this.images.add(ref);
  }
  async buildImage(req: BuildRequest): Promise<void> {
    await this.step(`build ${req.tag}`);
    this.images.add(req.tag);
  }

  // NetworkVolumePort
  async ensureNetwork(req: NetworkRequest): Promise<{ created: boolean; labels?: Record<string, string> }> {
    const existing = [...this.networks.values()].find((n) => n.name === req.name);
    if (existing) return { created: false, labels: existing.labels };
    this.calls.push(`network create ${req.name}`);
    this.networks.set(req.name, { id: req.name, name: req.name, labels: req.labels });
    return { created: true };
  }
  async listProjectNetworks(project: string): Promise<{ id: string; name: string; labels: Record<string, string>; created?: string }[]> {
    return [...this.networks.values()]
      .filter((n) => n.labels[PROJECT] === project)
      .map((n) => ({ id: n.id, name: n.name, labels: n.labels, ...(n.created ? { created: n.created } : {}) }));
  }
  async networkContainers(id: string): Promise<string[]> {
    const n = this.networks.get(id);
    if (!n) return [];
    return n.containers ?? [...this.containers.values()].filter((c) => c.request.networks.some((x) => x.name === n.name)).map((c) => c.request.name);
  }
  async removeNetwork(nameOrId: string): Promise<void> {
    const n = this.networks.get(nameOrId) ?? [...this.networks.values()].find((x) => x.name === nameOrId);
    this.calls.push(`network rm ${nameOrId}`);
    if (n) this.networks.delete(n.id);
  }
  async networkExists(name: string): Promise<boolean> {
    return [...this.networks.values()].some((n) => n.name === name);
  }
  async ensureVolume(req: VolumeRequest): Promise<{ created: boolean; labels?: Record<string, string> }> {
    const existing = this.volumes.get(req.name);
    if (existing) return { created: false, labels: existing };
    this.volumes.set(req.name, req.labels);
    return { created: true };
  }
  async listProjectVolumes(project: string): Promise<{ name: string; labels: Record<string, string> }[]> {
    return [...this.volumes].filter(([, l]) => l[PROJECT] === project).map(([name, labels]) => ({ name, labels }));
  }
  async removeVolume(name: string): Promise<void> {
    this.calls.push(`volume rm ${name}`);
    this.volumes.delete(name);
  }
  async volumeExists(name: string): Promise<boolean> {
    return this.volumes.has(name);
  }
  async fillVolume(volume: string, image: string, tar: Readable, labels: Record<string, string>): Promise<void> {
    await this.step(`fill ${volume}`);
    await drain(tar);
    if (!this.volumes.has(volume)) this.volumes.set(volume, labels);
  }

  // ExecPort
  async exec(id: string, cmd: string[]): Promise<ExecResult> {
    this.execs.push({ id, cmd });
    return { exitCode: 0, output: '' };
  }
  /** An engine that refuses to keep exec streams open here; a test that needs one overrides it. */
  async openExecStream(id: string, cmd: string[]): Promise<ExecStream> {
    throw new DevstackError('engine', `exec ${cmd[0] ?? ''} (stdin attached) in container ${id}: not supported by the in-memory engine`);
  }
  async putArchive(id: string, destDir: string, tar: Readable): Promise<void> {
    this.calls.push(`put ${this.mustGet(id).request.name} ${destDir}`);
    await drain(tar);
  }

  // EventsLogsPort
  events(_filter: { project?: string }, signal: AbortSignal): AsyncIterable<EngineEvent> {
    this.eventSubscriptions += 1;
    return queueIterable<EngineEvent>(signal, true, (queue) => {
      this.eventQueues.add(queue);
      return () => this.eventQueues.delete(queue);
    });
  }
  logs(id: string, opts: LogOptions, signal: AbortSignal): AsyncIterable<LogRecord> {
    this.logRequests.push({ id, opts });
    return queueIterable<LogRecord>(signal, opts.follow, (queue) => {
      // tail 0 (a follow from now on) sees new lines only; a tail, the last that many; otherwise every line so far.
      const lines = this.containers.get(id)?.logs ?? [];
      for (const line of opts.tail === undefined ? lines : lines.slice(lines.length - opts.tail, lines.length)) queue.push(line);
      if (!opts.follow) return () => undefined;
      const queues = this.logQueues.get(id) ?? new Set();
      this.logQueues.set(id, queues.add(queue));
      return () => queues.delete(queue);
    });
  }

  /** Delivers an event to every open subscription. */
  emit(event: Partial<EngineEvent> & { id: string; action: string }): void {
    const full: EngineEvent = { type: 'container', labels: {}, time: this.now(), ...event };
    for (const queue of this.eventQueues) queue.push(full);
  }

  appendLog(c: MemoryContainer, line: string | LogRecord): void {
    const record: LogRecord = typeof line === 'string' ? { stream: 'stdout', text: line } : line;
    c.logs.push(record);
    for (const queue of this.logQueues.get(c.id) ?? []) queue.push(record);
  }

  update(c: MemoryContainer, change: Partial<ContainerDetails>): void {
    c.details = { ...c.details, ...change };
  }

  mustGet(id: string): MemoryContainer {
    const c = this.containers.get(id);
    if (!c) throw new DevstackError('not-found', `no such container: ${id}`);
    return c;
  }

  private byName(name: string): MemoryContainer | undefined {
    return [...this.containers.values()].find((c) => c.request.name === name);
  }

  private anonymousVolume(): string {
    const name = (++this.volumeSeq).toString(16).padStart(64, '0');
    this.volumes.set(name, {});
    return name;
  }

  private async step(call: string): Promise<void> {
    this.calls.push(call);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
  }
}

function info(d: ContainerDetails): ContainerInfo {
  return { id: d.id, name: d.name, image: d.image, status: d.status, labels: d.labels, ports: d.ports, createdAt: d.createdAt, ...(d.imageId ? { imageId: d.imageId } : {}) };
}

async function drain(tar: Readable): Promise<void> {
  for await (const _chunk of tar.pipe(new PassThrough())) {
    // read to the end, as the engine does
  }
}

export { ScriptedContainer };
