// An in-memory engine for unit tests of the use cases: it records calls and keeps containers, networks and volumes.
import { PassThrough, type Readable } from 'node:stream';
import type {
  BuildRequest, ContainerDetails, ContainerInfo, ContainerRequest, Engine, EngineEvent, EngineInfo, ExecResult, LogRecord, NetworkRequest, VolumeRequest,
} from '../../../src/core/engine.js';
import { DevstackError } from '../../../src/core/errors.js';

interface FakeContainer {
  id: string;
  request: ContainerRequest;
  status: ContainerInfo['status'];
  createdAt: number;
  logs: string[];
}

export class FakeEngine implements Engine {
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, Record<string, string>>();
  readonly volumes = new Map<string, Record<string, string>>();
  readonly images = new Set<string>();
  /** Service names whose container fails to start. */
  failStart = new Set<string>();
  /** Per-call delay, to make parallelism and aborts observable. */
  delayMs = 0;
  private seq = 0;

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
    return { ...this.info(c), health: 'none', healthLog: [], exitCode: c.status === 'exited' ? 0 : null, startedAt: '', finishedAt: '', restartCount: 0, tty: false, networks: {}, env: c.request.env, oomKilled: false, error: '', mounts: [] };
  }
  async imageExists(ref: string): Promise<boolean> {
    return this.images.has(ref);
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
    const id = `c${++this.seq}`;
    this.containers.set(id, { id, request: req, status: 'created', createdAt: this.seq, logs: [] });
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
