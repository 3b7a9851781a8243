// Waits until one service's container meets its depends_on condition, watching the container meanwhile:
// an exit or an `unhealthy` verdict ends the wait at once instead of at the limit.
import type { ReadySpec, ServiceConfig } from '../../core/model.js';
import type { WaitCondition, WaitRequest, WaitResult } from '../../core/service-wait.js';
import { chooseReadySpec, hasActiveHealthcheck } from '../../core/readiness.js';
import { ATTEMPT_LIMIT_MS, attemptLimitMs, nextAttemptDelayMs } from './attempt-schedule.js';
import { clockTimeout, systemClock, type Clock } from './clock.js';
import { ContainerWatch, isEngineLoss, type ObservedContainer } from './container-watch.js';
import { createProbe } from './create-probe.js';
import type { StayedUp } from './running.js';
import { describeError, raceAbort, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export type { WaitCondition, WaitRequest, WaitResult };

type Failure = Extract<WaitResult, { ok: false }>;

/** "Running" as readiness for service_healthy: up this long since it started (a process that exits at once fails). */
const RUNNING_STAYED_UP_MS = 100;
/** …and this long once the engine's restart policy has restarted it during the wait (it crashed at least once). */
const RESTARTED_STAYED_UP_MS = 1000;
/**
 * Restarts by the engine's restart policy that make a crash loop: seen during the wait, or the count of a container
 * found restarting. Docker waits 100 ms, 200 ms, 400 ms… between them, so an instant crash gets there in ~1 s; one
 * or two crashes while a dependency comes up are tolerated.
 */
export const CRASH_LOOP_RESTARTS = 3;
/**
 * A rejection (wrong password, unknown database) ends the wait once the service has given it on every attempt for
 * this long. The official images answer over TCP only after their init, so the first answer is already final;
 * the margin is for images that create roles or databases after opening their port.
 */
export const REJECTION_SETTLE_MS = 2000;

const NETWORK_PROBES = new Set<ReadySpec['kind']>(['postgres', 'redis', 'http', 'tcp']);

/** The readiness spec a condition asks for: `service_healthy` means "really ready", not only "healthcheck". */
export function readySpecForCondition(condition: WaitCondition, service: ServiceConfig): ReadySpec {
  if (condition === 'service_started') return { kind: 'none' };
  const spec = chooseReadySpec(service);
  if (spec.kind === 'none' && hasActiveHealthcheck(service)) return { kind: 'healthcheck' };
  return spec;
}

/** Whether the engine restarts a container that exited with `exitCode` under compose's `restart:` value. */
export function restartPolicyRestarts(restart: string | undefined, exitCode: number | null): boolean {
  const policy = (restart ?? 'no').split(':')[0];
  if (policy === 'always' || policy === 'unless-stopped') return true;
  return policy === 'on-failure' && exitCode !== 0;
}

/** What a wait runs on: the time it reads and sleeps on, and how it makes its probe (tests pass their own). */
export interface WaitDeps {
  clock?: Clock;
  createProbe?: typeof createProbe;
}

export async function waitForService(req: WaitRequest, deps: WaitDeps = {}): Promise<WaitResult> {
  const clock = deps.clock ?? systemClock;
  const makeProbe = deps.createProbe ?? createProbe;
  const startedAt = clock.now();
  const deadline = startedAt + req.timeoutMs;
  const elapsed = () => clock.now() - startedAt;
  const completion = req.condition === 'service_completed_successfully';
  let probeName = completion ? 'exit 0' : 'container running';
  const fail = (reason: Failure['reason'], extra: Partial<Failure> = {}): Failure => ({
    ok: false,
    probe: probeName,
    elapsedMs: elapsed(),
    reason,
    ...extra,
  });
  if (req.signal.aborted) return fail('aborted');

  let watch: ContainerWatch;
  try {
    watch = await ContainerWatch.open(req.engine, req.project, req.containerId, req.signal, clock);
  } catch (error) {
    if (req.signal.aborted) return fail('aborted');
    // No engine, no verdict on the service: the engine's own error is what the user must see (exit 4).
    if (isEngineLoss(error)) throw error;
    return fail('failed', { lastError: `inspecting the container: ${describeError(error)}` });
  }

  let spec = readySpecForCondition(req.condition, req.service);
  // A HEALTHCHECK that comes with the image counts too, unless x-devstack says `ready: none`.
  if (spec.kind === 'none' && req.condition === 'service_healthy' && !req.service.devstack.ready && watch.current.health !== 'none') {
    spec = { kind: 'healthcheck' };
  }
  const restartsBefore = watch.current.restartCount;
  let probe: ReadinessProbe | undefined;
  let attempts = 0;
  let delay = 0;
  let lastError: string | undefined;
  /** Since when every attempt has been rejected with this same reason. */
  let rejection: { reason: string; since: number } | undefined;
  const withLastError = (extra: Partial<Failure> = {}): Partial<Failure> => (lastError === undefined ? extra : { lastError, ...extra });

  const ready = (): WaitResult => ({ ok: true, probe: probeName, elapsedMs: elapsed(), attempts, restartCount: watch.current.restartCount });

  /** Exit / removal / unhealthy / a crash loop end the wait, whatever the probe says. */
  const verdictFromContainer = async (seen: ObservedContainer): Promise<WaitResult | undefined> => {
    let state = seen;
    if (completion && state.status === 'exited') {
      if (state.exitCode === 0) return ready();
      return fail('failed', withLastError({ ...(state.exitCode === null ? {} : { exitCode: state.exitCode }) }));
    }
    // An exit the restart policy answers with a restart is not the end: the inspect after `die` says `restarting`
    // (the engine counts the restart before it reports the exit).
    if (state.status === 'exited' && restartPolicyRestarts(req.service.restart, state.exitCode)) {
      await watch.refresh().catch(() => undefined);
      state = watch.current;
    }
    const restartsSeen = state.restartCount - restartsBefore;
    if (restartsSeen >= CRASH_LOOP_RESTARTS || (state.status === 'restarting' && state.restartCount >= CRASH_LOOP_RESTARTS)) {
      const exit = state.exitCode === null ? {} : { exitCode: state.exitCode };
      return fail('restarting', { restarts: state.restartCount, restartPolicy: req.service.restart ?? 'no', ...exit });
    }
    if (state.status === 'exited' || state.status === 'dead') {
      return fail('exited', withLastError(state.exitCode === null ? {} : { exitCode: state.exitCode }));
    }
    if (state.status === 'removed') return fail(completion ? 'failed' : 'exited', { lastError: 'the container was removed' });
    if (!completion && state.health === 'unhealthy') {
      const details = await watch.refresh().catch(() => undefined);
      const healthLog = details?.healthLog.map((entry) => entry.output.trimEnd()) ?? [];
      // The health log says why; the healthcheck probe's own "has not passed yet" would only contradict it.
      return fail('unhealthy', spec.kind === 'healthcheck' ? { healthLog } : withLastError({ healthLog }));
    }
    return undefined;
  };

  try {
    for (;;) {
      if (watch.engineLost) throw watch.engineLost;
      const verdict = await verdictFromContainer(watch.current);
      if (verdict) return verdict;
      if (req.signal.aborted) return fail('aborted', withLastError());
      const remaining = deadline - clock.now();
      if (remaining <= 0) {
        // Events can be missed (stream not yet connected, engine hiccup): one last look before "timeout".
        await watch.refresh().catch(() => undefined);
        if (watch.engineLost) throw watch.engineLost;
        return (await verdictFromContainer(watch.current)) ?? fail('timeout', withLastError());
      }

      if (!completion) {
        if (!probe) {
          const built = await buildProbe(req, spec, watch, makeProbe, { ms: RUNNING_STAYED_UP_MS, afterRestartMs: RESTARTED_STAYED_UP_MS, restartsBefore, clock });
          if ('probe' in built) {
            probe = built.probe;
            probeName = probe.description;
            // A server that asks over the network usually logs when it starts listening: ask then, not at the tick.
            if (NETWORK_PROBES.has(spec.kind)) watch.wakeOnOutput();
          } else if (built.fatal) {
            return fail('failed', { lastError: built.unavailable });
          } else {
            lastError = built.unavailable;
          }
        }
        if (probe) {
          attempts += 1;
          const outcome = await attemptOnce(probe, attemptLimitMs(remaining), req.signal, clock);
          if (req.signal.aborted) return fail('aborted', withLastError());
          if (outcome.ready) {
            // The container may have died during the attempt; its events say so before we claim ready.
            if (watch.engineLost) throw watch.engineLost;
            return (await verdictFromContainer(watch.current)) ?? ready();
          }
          // An attempt the overall limit cut short says nothing about the service: keep what the last one said.
          if (!(outcome.cutShort === true && lastError !== undefined)) lastError = outcome.reason;
          if (outcome.rejected) {
            if (rejection?.reason !== outcome.reason) rejection = { reason: outcome.reason, since: clock.now() };
            if (clock.now() - rejection.since >= REJECTION_SETTLE_MS) {
              return (await verdictFromContainer(watch.current)) ?? fail('rejected', { lastError, hint: outcome.rejected.hint });
            }
          } else if (!outcome.cutShort) {
            rejection = undefined;
          }
          if (outcome.fatal) return (await verdictFromContainer(watch.current)) ?? fail('failed', { lastError });
        }
      } else {
        attempts += 1;
      }

      delay = nextAttemptDelayMs(elapsed(), delay);
      await watch.changeOrDelay(Math.min(delay, deadline - clock.now()), req.signal);
    }
  } finally {
    watch.close();
    await probe?.close?.().catch(() => {});
  }
}

async function buildProbe(req: WaitRequest, spec: ReadySpec, watch: ContainerWatch, makeProbe: typeof createProbe, stayedUp: StayedUp) {
  const details = await watch.refresh().catch(() => undefined);
  if (!details) return { unavailable: 'the container could not be inspected', fatal: false } as const;
  return makeProbe(spec, {
    engine: req.engine,
    project: req.project,
    service: req.service,
    containerId: req.containerId,
    details,
    container: watch,
    ...(req.condition === 'service_started' ? {} : { stayedUp }),
  });
}

/** One attempt, bounded by `limitMs` even when the probe ignores its signal. */
async function attemptOnce(probe: ReadinessProbe, limitMs: number, signal: AbortSignal, clock: Clock): Promise<ProbeOutcome & { cutShort?: boolean }> {
  const limit = clockTimeout(clock, limitMs, signal);
  try {
    return await raceAbort(probe.attempt(limit.signal), limit.signal);
  } catch (error) {
    if (signal.aborted) return { ready: false, reason: 'aborted' };
    if (limit.timedOut()) return { ready: false, reason: `no answer within ${limitMs} ms`, cutShort: limitMs < ATTEMPT_LIMIT_MS };
    return { ready: false, reason: describeError(error) };
  } finally {
    limit.cancel();
  }
}
