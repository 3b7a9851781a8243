// An in-memory engine for unit tests of the use cases: it records calls and keeps containers, networks and volumes.
import { PassThrough, type Readable } from 'node:stream';
import type {
  BuildRequest, ContainerDetails, ContainerInfo, ContainerRequest, Engine, EngineEvent, EngineInfo, ExecResult, ExecStream, LogRecord, NetworkRequest, VolumeRequest,
} from '../../../src/core/engine.js';
import { DevstackError } from '../../../src/core/errors.js';

interface FakeContainer {
  id: string;
  request: ContainerRequest;
  status: ContainerInfo['status'];
  createdAt: number;
  logs: string[];
  /** As the engine reports them: an anonymous volume gets a generated 64-hex name at create. */
  mounts: { type: string; name?: string; source: string; target: string }[];
}

export class FakeEngine implements Engine {
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, Record<string, string>>();
  readonly volumes = new Map<string, Record<string, string>>();
  readonly images = new Set<string>();
  /** Paths an image declares as volumes (Dockerfile VOLUME), by image ref. */
  readonly imageVolumeDecls = new Map<string, string[]>();
  /** Service names whose container fails to start. */
  failStart = new Set<string>();
  /** Per-call delay, to make parallelism and aborts observable. */
  delayMs = 0;
  private seq = 0;
  private volumeSeq = 0;

  private async step(call: string): Promise<void> {
    this.calls.push(call);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
  }

  async ping(): Promise<EngineInfo> {
    return { serverVersion: 'fake', apiVersion: '1.41', os: 'linux' };
  }
  async listProjectContainers(project: string): Promise<ContainerInfo[]> {
    return [...this.containers.values()].filter((c) => c.request.labels['com.docker.compose.project'] === project).map((c) => this.info(c));
  }
  async listPublishedPorts() {
    return [];
  }
  async inspectContainer(id: string): Promise<ContainerDetails> {
    const c = this.mustGet(id);
    return { ...this.info(c), health: 'none', healthLog: [], exitCode: c.status === 'exited' ? 0 : null, startedAt: '', finishedAt: '', restartCount: 0, tty: false, networks: {}, env: c.request.env, oomKilled: false, error: '', mounts: c.mounts };
  }
  async imageExists(ref: string): Promise<boolean> {
    return this.images.has(ref);
  }
  async imageId(ref: string): Promise<string | undefined> {
    return this.images.has(ref) ? `sha256:${ref}` : undefined;
  }
  async imageUser(ref: string): Promise<string | undefined> {
    return this.images.has(ref) ? '' : undefined;
  }
  async dataRoot(): Promise<string | undefined> {
    return undefined;
  }
  async fillVolume(): Promise<void> {}
  async openExecStream(): Promise<ExecStream> {
    throw new DevstackError('engine', 'no exec streams in the fake');
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
  async ensureNetwork(req: NetworkRequest) {
    const existing = this.networks.get(req.name);
    if (existing) return { created: false, labels: existing };
    this.calls.push(`network create ${req.name}`);
    this.networks.set(req.name, req.labels);
    return { created: true };
  }
  async listProjectNetworks(project: string) {
    return [...this.networks].filter(([, l]) => l['com.docker.compose.project'] === project).map(([name, labels]) => ({ id: name, name, labels }));
  }
  async networkContainers(): Promise<string[]> {
    return [];
  }
  async removeNetwork(name: string) {
    this.calls.push(`network rm ${name}`);
    this.networks.delete(name);
  }
  async networkExists(name: string) {
    return this.networks.has(name);
  }
  async ensureVolume(req: VolumeRequest) {
    const existing = this.volumes.get(req.name);
    if (existing) return { created: false, labels: existing };
    this.volumes.set(req.name, req.labels);
    return { created: true };
  }
  async listProjectVolumes(project: string) {
    return [...this.volumes].filter(([, l]) => l['com.docker.compose.project'] === project).map(([name, labels]) => ({ name, labels }));
  }
  async removeVolume(name: string) {
    this.calls.push(`volume rm ${name}`);
    this.volumes.delete(name);
  }
  async volumeExists(name: string) {
    return this.volumes.has(name);
  }
  async createContainer(req: ContainerRequest): Promise<string> {
    await this.step(`create ${req.name}`);
    if (!this.images.has(req.image)) throw new DevstackError('engine', `No such image: ${req.image}`);
    if ([...this.containers.values()].some((c) => c.request.name === req.name)) {
      throw new DevstackError('engine', `create container ${req.name}: Conflict. The container name "/${req.name}" is already in use`);
    }
    const id = `c${++this.seq}`;
    const anonymous = () => {
      const name = (++this.volumeSeq).toString(16).padStart(64, '0');
      this.volumes.set(name, {});
      return name;
    };
    const mounts = (req.mounts ?? []).map((m) => {
      const name = m.type === 'volume' ? (m.source ?? anonymous()) : undefined;
      return { type: m.type, ...(name ? { name } : {}), source: m.source ?? '', target: m.target };
    });
    for (const target of this.imageVolumeDecls.get(req.image) ?? []) {
      if (!mounts.some((m) => m.target === target)) mounts.push({ type: 'volume', name: anonymous(), source: '', target });
    }
    this.containers.set(id, { id, request: req, status: 'created', createdAt: this.seq, logs: [], mounts });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    const c = this.mustGet(id);
    await this.step(`start ${c.request.name}`);
    if (this.failStart.has(c.request.labels['com.docker.compose.service'] ?? '')) {
      c.status = 'exited';
      c.logs.push('fatal: cannot start');
      throw new DevstackError('engine', `container ${c.request.name} failed to start`);
    }
    c.status = 'running';
  }
  async stopContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    await this.step(`stop ${c.request.name}`);
    c.status = 'exited';
  }
  async restartContainer(id: string): Promise<void> {
    await this.step(`restart ${this.mustGet(id).request.name}`);
  }
  async renameContainer(id: string, name: string): Promise<void> {
    const c = this.mustGet(id);
    if ([...this.containers.values()].some((o) => o !== c && o.request.name === name)) {
      throw new DevstackError('engine', `rename container ${id}: Conflict. The container name "/${name}" is already in use`);
    }
    this.calls.push(`rename ${c.request.name} ${name}`);
    c.request = { ...c.request, name };
  }
  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    this.calls.push(`rm ${c.request.name}`);
    this.containers.delete(id);
  }
  async *events(_filter: { project?: string }, _signal: AbortSignal): AsyncIterable<EngineEvent> {
    // No events from the fake.
  }
  async *logs(id: string): AsyncIterable<LogRecord> {
    for (const text of this.containers.get(id)?.logs ?? []) yield { stream: 'stdout', text };
  }
  async putArchive(_id: string, _dest: string, tar: Readable): Promise<void> {
    tar.pipe(new PassThrough()).resume();
  }
  async exec(): Promise<ExecResult> {
    return { exitCode: 0, output: '' };
  }

  private mustGet(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new DevstackError('not-found', `no such container: ${id}`);
    return c;
  }
  private info(c: FakeContainer): ContainerInfo {
    return { id: c.id, name: c.request.name, image: c.request.image, status: c.status, labels: c.request.labels, ports: [], createdAt: c.createdAt };
  }
}
