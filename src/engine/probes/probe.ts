// One readiness probe = one question asked of a service ("does it answer SELECT 1 yet?").
// The waiter (wait-for-service.ts) decides how often to ask and for how long.

/**
 * `fatal`: waiting cannot change the answer (no healthcheck to wait for). `rejected`: the service answered, and
 * its answer will not change by waiting either (wrong password); `hint` says what to do instead.
 */
export type ProbeOutcome = { ready: true } | { ready: false; reason: string; fatal?: boolean; rejected?: { hint: string } };

export interface ReadinessProbe {
  /** What is asked, and where: `postgres SELECT 1 at 127.0.0.1:5432 as app`. */
  readonly description: string;
  /** One bounded attempt; must settle soon after `signal` aborts. Never throws for "not ready". */
  attempt(signal: AbortSignal): Promise<ProbeOutcome>;
  /** Releases clients and streams the probe keeps between attempts. */
  close?(): Promise<void>;
}

export const READY: ProbeOutcome = { ready: true };

export function notReady(reason: string): ProbeOutcome {
  return { ready: false, reason };
}

/** A host and port a probe connects to. IPv6 hosts are bare (`::1`), as node:net wants them. */
export interface ProbeEndpoint {
  host: string;
  port: number;
}

export function formatEndpoint(endpoint: ProbeEndpoint): string {
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/** The message of an unknown thrown value, with a node error code when there is one. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error.message || code || error.name;
    return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return String(error);
}

/** Resolves with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
