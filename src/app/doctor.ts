// `doctor`: what stands between a fresh clone and a running stack, checked without changing anything. The engine
// answers; the compose files load; every service has its image or a build context and Dockerfile; which host
// ports are taken now (and where `up` would publish them instead); and each Dockerfile against the patterns
// devstack follows (cache-friendly layer order, non-root user, healthcheck, pinned base, .dockerignore). Each
// finding says what, where (file:line) and how to fix it; one that stops `up` is a failure.
import path from 'node:path';
import type { BuildContextFacts } from '../core/build-context.js';
import { checkDockerfile } from '../core/dockerfile-checks.js';
import type { ContainerQueryPort, EngineReachPort, EngineStatusPort, ImagePort } from '../core/engine.js';
import { ComposeError, DevstackError, type ComposeIssue, type ErrorKind } from '../core/errors.js';
import type { HostPortPlanner } from '../core/host-port-plan.js';
import type { Project, ServiceConfig } from '../core/model.js';
import { hasActiveHealthcheck } from '../core/readiness.js';
import { checkHost, type DoctorHostPort } from './doctor-host.js';

export type DoctorArea = 'engine' | 'compose' | 'env' | 'images' | 'mounts' | 'ports' | 'watch' | 'disk' | 'dockerfile';
export type DoctorStatus = 'ok' | 'info' | 'warn' | 'fail';

export interface DoctorFinding {
  area: DoctorArea;
  status: DoctorStatus;
  message: string;
  hint?: string;
  /** `file:line` when the finding is about a line of a file. */
  location?: string;
  /** A failure's error kind: the command's exit code is the first failure's. */
  kind?: ErrorKind;
  /** Which check found it (SARIF's ruleId); the area when not set. */
  rule?: string;
}

/** What doctor asks of the engine: whether it answers, the images here, what is published (ports), disk and users. */
export type DoctorEngine = EngineStatusPort & EngineReachPort & ImagePort & ContainerQueryPort;

export interface DoctorDeps {
  openEngine: () => Promise<DoctorEngine>;
  loadProject: () => Promise<Project>;
  ports: HostPortPlanner;
  readBuildContext: (service: ServiceConfig) => Promise<BuildContextFacts>;
  /** This machine's side (sockets, env files, mounts, inotify, disk); left out, those checks do not run. */
  host?: DoctorHostPort;
}

export interface DoctorRequest {
  stateDir: string;
  /** Paths in messages are shown relative to this folder. */
  cwd: string;
  signal: AbortSignal;
}

export async function doctor(req: DoctorRequest, deps: DoctorDeps): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = [];
  const [engine, project] = await Promise.all([checkEngine(deps, findings), checkCompose(req, deps, findings)]);
  if (deps.host) {
    const engineFailure = engine ? undefined : findings.find((f) => f.area === 'engine' && f.status === 'fail')?.message;
    findings.push(...(await checkHost({ cwd: req.cwd, ...(project ? { project } : {}), ...(engine ? { engine } : {}), ...(engineFailure ? { engineFailure } : {}) }, deps.host)));
  }
  if (!project) return order(findings);
  const services = Object.values(project.services).sort((a, b) => a.name.localeCompare(b.name));
  for (const service of services) await checkService(req, deps, service, engine, findings);
  if (engine) await checkPorts(req, deps, project, engine, findings);
  return order(findings);
}

async function checkEngine(deps: DoctorDeps, findings: DoctorFinding[]): Promise<DoctorEngine | undefined> {
  try {
    const engine = await deps.openEngine();
    const info = await engine.ping();
    if (engine.chosen) findings.push({ area: 'engine', status: 'info', message: `engine: ${engine.chosen}` });
    if (engine.overridden) findings.push({ area: 'engine', status: 'warn', message: engine.overridden });
    findings.push({ area: 'engine', status: 'ok', message: `Docker Engine ${info.serverVersion} answers (API ${info.apiVersion}, ${info.os})` });
    return engine;
  } catch (err) {
    findings.push(failure('engine', err));
    return undefined;
  }
}

async function checkCompose(req: DoctorRequest, deps: DoctorDeps, findings: DoctorFinding[]): Promise<Project | undefined> {
  try {
    const project = await deps.loadProject();
    const names = Object.keys(project.services).sort();
    findings.push({
      area: 'compose',
      status: 'ok',
      message: `project ${project.name} loads from ${project.composeFiles.map((f) => path.basename(f)).join(', ')}: ${names.length} services (${names.join(', ')})`,
    });
    for (const warning of project.warnings ?? []) findings.push({ area: 'compose', status: 'warn', message: warning });
    return project;
  } catch (err) {
    if (err instanceof ComposeError) findings.push(...err.issues.map((issue) => composeIssueFinding(req, issue)));
    else findings.push(failure('compose', err));
    return undefined;
  }
}

/** One finding per compose issue, at its file:line:col; a required variable without a value says where to set it. */
function composeIssueFinding(req: DoctorRequest, issue: ComposeIssue): DoctorFinding {
  const required = /required variable (\w+) is missing a value/.exec(issue.message);
  return {
    area: 'compose',
    status: 'fail',
    kind: 'compose',
    rule: required ? 'required-variable' : 'compose-file',
    location: `${rel(req, issue.location.file)}:${issue.location.line}:${issue.location.col}`,
    message: issue.message,
    ...(required
      ? { hint: `Set ${required[1]} in .env next to the compose file (or export it in the shell): ${required[1]}=…; .env.example, when there is one, says what it is.` }
      : { hint: 'Fix the compose file at that line; `devstack config` shows the file as devstack reads it.' }),
  };
}

async function checkService(req: DoctorRequest, deps: DoctorDeps, service: ServiceConfig, engine: ImagePort | undefined, findings: DoctorFinding[]): Promise<void> {
  const where = `${rel(req, service.source.file)}:${service.source.line}`;
  if (!service.build) {
    if (!service.image) return;
    if (!hasPinnedTag(service.image)) {
      findings.push({
        area: 'images',
        status: 'warn',
        location: where,
        message: `${service.name}: image ${service.image} has no version tag, so each machine may run a different version`,
        hint: `Pin a tag (${service.image.replace(/:latest$/, '')}:<version>) or a digest.`,
      });
    }
    if (!engine) return;
    if (await engine.imageExists(service.image)) {
      findings.push({ area: 'images', status: 'ok', message: `${service.name}: image ${service.image} is here` });
    } else {
      findings.push({
        area: 'images',
        status: 'info',
        message: `${service.name}: image ${service.image} is not here yet; the first \`devstack up\` pulls it`,
        hint: `Pull it ahead of time with \`docker pull ${service.image}\` (its registry must be reachable).`,
      });
    }
    return;
  }
  const facts = await deps.readBuildContext(service);
  if (!facts.contextExists) {
    findings.push({ area: 'images', status: 'fail', kind: 'compose', location: where, message: `${service.name}: build context ${rel(req, service.build.context)} does not exist`, hint: 'Fix `build.context` (it is relative to the compose file).' });
    return;
  }
  if (facts.dockerfileText === undefined) {
    findings.push({ area: 'images', status: 'fail', kind: 'compose', location: where, message: `${service.name}: Dockerfile ${rel(req, facts.dockerfile)} does not exist`, hint: 'Fix `build.dockerfile` (it is relative to the build context).' });
    return;
  }
  findings.push({ area: 'images', status: 'ok', message: `${service.name}: builds from ${rel(req, facts.dockerfile)}` });
  const dockerfileFindings = checkDockerfile(facts.dockerfileText, {
    hasDockerignore: facts.hasDockerignore,
    lockFiles: facts.lockFiles,
    serviceHasReadiness: hasActiveHealthcheck(service) || service.devstack.ready !== undefined,
    ...(service.build.target ? { target: service.build.target } : {}),
  });
  for (const f of dockerfileFindings) {
    findings.push({ area: 'dockerfile', status: f.severity, rule: f.rule, location: `${rel(req, facts.dockerfile)}:${f.line}`, message: `${service.name}: ${f.message}`, hint: f.hint });
  }
  if (dockerfileFindings.length === 0) {
    findings.push({ area: 'dockerfile', status: 'ok', message: `${service.name}: ${rel(req, facts.dockerfile)} follows the patterns (layer order, non-root user, healthcheck, pinned base, .dockerignore)` });
  }
}

async function checkPorts(req: DoctorRequest, deps: DoctorDeps, project: Project, engine: ContainerQueryPort & EngineReachPort, findings: DoctorFinding[]): Promise<void> {
  try {
    const plan = await deps.ports.plan(engine, {
      project: project.name,
      services: Object.values(project.services),
      strict: false,
      resetMemory: false,
      dryRun: true,
      stateDir: req.stateDir,
      signal: req.signal,
    });
    const declared = plan.bindings.filter((b) => b.declaredHostPort !== undefined && (b.replica ?? 1) === 1);
    for (const r of plan.remaps) {
      if (r.replica !== undefined && r.replica > 1 && r.holder.startsWith('taken by replica ')) {
        // A scaled service's fixed port: replica 1 has it, the others get their own (see README, Replicas).
        findings.push({ area: 'ports', status: 'info', message: `${r.service}-${r.replica}: port ${r.declared} goes to replica ${r.service}-1; \`devstack up\` will publish it on ${r.effective}` });
        continue;
      }
      findings.push({
        area: 'ports',
        status: 'warn',
        message: `${r.service}: host port ${r.declared} is taken (${r.holder}); \`devstack up\` will publish it on ${r.effective}`,
        hint: `Free ${r.declared} to keep the declared port; \`devstack ports\` and \`devstack env\` show where services listen.`,
      });
    }
    if (plan.remaps.every((r) => r.holder.startsWith('taken by replica '))) {
      findings.push({ area: 'ports', status: 'ok', message: declared.length === 0 ? 'no host ports are declared' : `the ${declared.length} declared host ports are free` });
    }
  } catch (err) {
    findings.push(failure('ports', err));
  }
}

/** A tag other than `latest`, or a digest (a registry's `host:port/` is not a tag). */
function hasPinnedTag(image: string): boolean {
  if (image.includes('@')) return true;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon !== -1 && last.slice(colon + 1) !== 'latest';
}

function failure(area: DoctorArea, err: unknown): DoctorFinding {
  if (!(err instanceof DevstackError)) throw err;
  const details = err.details.length > 0 ? `\n${err.details.join('\n')}` : '';
  return {
    area,
    status: 'fail',
    kind: err.kind,
    message: `${err.message}${details}`,
    ...(err.hint ? { hint: err.hint } : {}),
  };
}

const AREA_ORDER: DoctorArea[] = ['engine', 'compose', 'env', 'images', 'mounts', 'ports', 'watch', 'disk', 'dockerfile'];

function order(findings: DoctorFinding[]): DoctorFinding[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => AREA_ORDER.indexOf(a.f.area) - AREA_ORDER.indexOf(b.f.area) || a.i - b.i).map(({ f }) => f);
}

function rel(req: DoctorRequest, file: string): string {
  const r = path.relative(req.cwd, file);
  return r === '' ? '.' : r.startsWith('..') ? file : r;
}
