// What `reset-db` does after the data is reset: with --redis, FLUSHALL on each Redis-like service of the project
// (never by default), then the database service's `x-devstack.reset.run` commands (migrations, seeds), in order,
// each in the named service's running container, its output streamed as it comes. A hook that fails stops the
// rest and says what state it left: the data is reset, the hooks before it ran, the ones after it did not.
import { DevstackError } from '../core/errors.js';
import type { ContainerQueryPort, ExecPort } from '../core/engine.js';
import type { EventSink } from '../core/events.js';
import { runningServiceContainer } from '../core/labels.js';
import type { Project, ResetHook, ServiceConfig } from '../core/model.js';
import { chooseReadySpec } from '../core/readiness.js';

export interface HookRun {
  service: string;
  command: string[];
  exitCode: number;
}

export interface AfterResetRequest {
  project: Project;
  signal: AbortSignal;
  onEvent: EventSink;
}

const formatLocation = (h: ResetHook): string => `${h.source.file}:${h.source.line}:${h.source.col}`;

/** The project's services that speak Redis: a Redis-like image running its server, or `x-devstack.ready: redis`. */
export function redisServices(project: Project): ServiceConfig[] {
  return Object.values(project.services)
    .filter((s) => chooseReadySpec(s).kind === 'redis')
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** FLUSHALL on each running Redis-like service; returns the ones emptied. */
export async function flushRedis(req: AfterResetRequest, engine: ContainerQueryPort & ExecPort): Promise<string[]> {
  const services = redisServices(req.project);
  if (services.length === 0) {
    throw new DevstackError('usage', `--redis: project ${req.project.name} has no Redis-like service (a redis, valkey or keydb image, or x-devstack: { ready: redis }).`, {
      hint: 'Leave out --redis, or mark the service with x-devstack: { ready: redis }.',
    });
  }
  const containers = await engine.listProjectContainers(req.project.name);
  const flushed: string[] = [];
  for (const service of services) {
    const running = runningServiceContainer(containers, service.name);
    if (!running) {
      req.onEvent({ type: 'notice', level: 'warn', service: service.name, message: `${service.name}: not running, so not emptied; \`devstack up ${service.name}\` then \`devstack reset-db --redis\` again` });
      continue;
    }
    const result = await engine.exec(running.id, ['redis-cli', 'FLUSHALL'], { signal: req.signal });
    const answer = result.output.trim();
    if (result.exitCode !== 0 || !/^OK$/m.test(answer)) {
      throw new DevstackError('service-failed', `${service.name}: redis-cli FLUSHALL failed (exit code ${result.exitCode}): ${answer || 'no output'}`, {
        hint: 'The database is reset; Redis keeps its data. A server with a password needs REDISCLI_AUTH in the service\'s environment.',
      });
    }
    flushed.push(service.name);
    req.onEvent({ type: 'notice', level: 'info', service: service.name, message: `${service.name}: emptied (FLUSHALL)` });
  }
  return flushed;
}

/** Runs the reset hooks in order; `state` says what the reset did, for the message when one fails. */
export async function runResetHooks(req: AfterResetRequest & { hooks: ResetHook[]; state: string }, engine: ContainerQueryPort & ExecPort): Promise<HookRun[]> {
  const runs: HookRun[] = [];
  for (const [index, hook] of req.hooks.entries()) {
    const left = `${req.state}; ${index === 0 ? 'no reset hook ran' : `the hooks before it ran (${req.hooks.slice(0, index).map((h) => h.command.join(' ')).join('; ')})`}, the ones after it did not`;
    const shown = hook.command.join(' ');
    if (!req.project.services[hook.service]) {
      throw new DevstackError('compose', `reset hook \`${shown}\`: no service ${hook.service} in project ${req.project.name}`, {
        location: hook.source,
        hint: `Name one of ${Object.keys(req.project.services).sort().join(', ')}. State: ${left}.`,
      });
    }
    const running = runningServiceContainer(await engine.listProjectContainers(req.project.name), hook.service);
    if (!running) {
      throw new DevstackError('not-found', `reset hook \`${shown}\` (${formatLocation(hook)}): ${hook.service} is not running`, {
        location: hook.source,
        hint: `Start it (\`devstack up ${hook.service}\`) and run the hooks again with \`devstack reset-db\`, or run \`${shown}\` in it yourself. State: ${left}.`,
      });
    }
    req.onEvent({ type: 'notice', level: 'info', service: hook.service, message: `${hook.service}: running reset hook \`${shown}\`` });
    let pending = '';
    const emit = (line: string) => req.onEvent({ type: 'notice', level: 'info', service: hook.service, message: `${hook.service} | ${line}` });
    const result = await engine.exec(running.id, hook.command, {
      signal: req.signal,
      onOutput: (text) => {
        const lines = (pending + text).split(/\r?\n/);
        pending = lines.pop() ?? '';
        for (const line of lines) emit(line);
      },
    });
    if (pending !== '') emit(pending);
    runs.push({ service: hook.service, command: hook.command, exitCode: result.exitCode });
    if (result.exitCode !== 0) {
      const tail = result.output.trimEnd().split('\n').slice(-20);
      throw new DevstackError('service-failed', `reset hook \`${shown}\` in ${hook.service} exited with code ${result.exitCode} (${formatLocation(hook)})`, {
        location: hook.source,
        details: tail,
        hint: `State: ${left}. Fix it and run \`devstack reset-db\` again (or run \`${shown}\` in ${hook.service} yourself).`,
      });
    }
  }
  return runs;
}
