// Waits until one service's container meets its depends_on condition, watching the container meanwhile:
// an exit or an `unhealthy` verdict ends the wait at once instead of at the limit.
import type { ReadySpec, ServiceConfig } from '../../core/model.js';
import type { WaitCondition, WaitRequest, WaitResult } from '../../core/service-wait.js';
import { chooseReadySpec, hasActiveHealthcheck } from '../../core/readiness.js';
import { ATTEMPT_LIMIT_MS, attemptLimitMs, nextAttemptDelayMs } from './attempt-schedule.js';
import { ContainerWatch, type ObservedContainer } from './container-watch.js';
import { createProbe } from './create-probe.js';
import { describeError, raceAbort, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export type { WaitCondition, WaitRequest, WaitResult };

type Failure = Extract<WaitResult, { ok: false }>;

/** "Running" as readiness for service_healthy: up this long since it started (a process that exits at once fails). */
const RUNNING_STAYED_UP_MS = 100;

const NETWORK_PROBES = new Set<ReadySpec['kind']>(['postgres', 'redis', 'http', 'tcp']);

/** The readiness spec a condition asks for: `service_healthy` means "really ready", not only "healthcheck". */
export function readySpecForCondition(condition: WaitCondition, service: ServiceConfig): ReadySpec {
  if (condition === 'service_started') return { kind: 'none' };
  const spec = chooseReadySpec(service);
  if (spec.kind === 'none' && hasActiveHealthcheck(service)) return { kind: 'healthcheck' };
  return spec;
}

export async function waitForService(req: WaitRequest): Promise<WaitResult> {
  const startedAt = Date.now();
  const deadline = startedAt + req.timeoutMs;
  const elapsed = () => Date.now() - startedAt;
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
    watch = await ContainerWatch.open(req.engine, req.project, req.containerId, req.signal);
  } catch (error) {
    return req.signal.aborted ? fail('aborted') : fail('failed', { lastError: `inspecting the container: ${describeError(error)}` });
  }

  let spec = readySpecForCondition(req.condition, req.service);
  // A HEALTHCHECK that comes with the image counts too, unless x-devstack says `ready: none`.
  if (spec.kind === 'none' && req.condition === 'service_healthy' && !req.service.devstack.ready && watch.current.health !== 'none') {
    spec = { kind: 'healthcheck' };
  }
  let probe: ReadinessProbe | undefined;
  let attempts = 0;
  let delay = 0;
  let lastError: string | undefined;
  const withLastError = (extra: Partial<Failure> = {}): Partial<Failure> => (lastError === undefined ? extra : { lastError, ...extra });

  /** Exit / removal / unhealthy end the wait, whatever the probe says. */
  const verdictFromContainer = async (state: ObservedContainer): Promise<WaitResult | undefined> => {
    if (completion && state.status === 'exited') {
      if (state.exitCode === 0) return { ok: true, probe: probeName, elapsedMs: elapsed(), attempts };
      return fail('failed', withLastError({ ...(state.exitCode === null ? {} : { exitCode: state.exitCode }) }));
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
      const verdict = await verdictFromContainer(watch.current);
      if (verdict) return verdict;
      if (req.signal.aborted) return fail('aborted', withLastError());
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        // Events can be missed (stream not yet connected, engine hiccup): one last look before "timeout".
        await watch.refresh().catch(() => undefined);
        return (await verdictFromContainer(watch.current)) ?? fail('timeout', withLastError());
      }

      if (!completion) {
        if (!probe) {
          const built = await buildProbe(req, spec, watch);
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
          const outcome = await attemptOnce(probe, attemptLimitMs(remaining), req.signal);
          if (req.signal.aborted) return fail('aborted', withLastError());
          if (outcome.ready) {
            // The container may have died during the attempt; its events say so before we claim ready.
            return (await verdictFromContainer(watch.current)) ?? { ok: true, probe: probeName, elapsedMs: elapsed(), attempts };
          }
          // An attempt the overall limit cut short says nothing about the service: keep what the last one said.
          if (!(outcome.cutShort === true && lastError !== undefined)) lastError = outcome.reason;
          if (outcome.fatal) return (await verdictFromContainer(watch.current)) ?? fail('failed', { lastError });
        }
      } else {
        attempts += 1;
      }

      delay = nextAttemptDelayMs(elapsed(), delay);
      await watch.changeOrDelay(Math.min(delay, deadline - Date.now()), req.signal);
    }
  } finally {
    watch.close();
    await probe?.close?.().catch(() => {});
  }
}

async function buildProbe(req: WaitRequest, spec: ReadySpec, watch: ContainerWatch) {
  const details = await watch.refresh().catch(() => undefined);
  if (!details) return { unavailable: 'the container could not be inspected', fatal: false } as const;
  return createProbe(spec, {
    engine: req.engine,
    project: req.project,
    service: req.service,
    containerId: req.containerId,
    details,
    container: watch,
    stayedUpMs: req.condition === 'service_started' ? 0 : RUNNING_STAYED_UP_MS,
  });
}

/** One attempt, bounded by `limitMs` even when the probe ignores its signal. */
async function attemptOnce(probe: ReadinessProbe, limitMs: number, signal: AbortSignal): Promise<ProbeOutcome & { cutShort?: boolean }> {
  const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(limitMs)]);
  try {
    return await raceAbort(probe.attempt(attemptSignal), attemptSignal);
  } catch (error) {
    if (signal.aborted) return { ready: false, reason: 'aborted' };
    if (attemptSignal.aborted) return { ready: false, reason: `no answer within ${limitMs} ms`, cutShort: limitMs < ATTEMPT_LIMIT_MS };
    return { ready: false, reason: describeError(error) };
  }
}
