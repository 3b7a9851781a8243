// Host port planning: which host port each published container port gets. Pure: what is taken is
// looked up in a snapshot the caller computed beforehand (host processes, containers, other projects).
import { DevstackError } from './errors.js';

export type PortProtocol = 'tcp' | 'udp';

export interface RequestedBinding {
  service: string;
  /** Which container of a scaled service (2, 3, …); undefined for a service's first or only container. */
  replica?: number;
  containerPort: number;
  protocol: PortProtocol;
  /** Declared host IP; undefined → 127.0.0.1. */
  hostIp?: string;
  /** Declared host port; undefined → the engine picks one. */
  hostPort?: number;
}

export interface EffectiveBinding {
  service: string;
  replica?: number;
  containerPort: number;
  protocol: PortProtocol;
  hostIp: string;
  /** 0 = the engine chooses. */
  hostPort: number;
  declaredHostPort?: number;
}

export interface PortRemap {
  service: string;
  replica?: number;
  declared: number;
  effective: number;
  /** Why the declared port was not used: `held by pid 812 postgres`, `published by container other_db_1`. */
  holder: string;
}

/** `held by pid 812 postgres` when `port` is taken for this binding; false when it is free for it. */
export type PortTakenLookup = (port: number, protocol: PortProtocol, binding: RequestedBinding) => string | false;

/** Remembered remaps: `<service>/<containerPort>/<protocol>` → host port. */
export type RememberedPorts = Record<string, number>;

export interface PortPlanInput {
  bindings: RequestedBinding[];
  isTaken: PortTakenLookup;
  remembered: RememberedPorts;
  strict: boolean;
}

export interface PortPlan {
  bindings: EffectiveBinding[];
  remaps: PortRemap[];
  /** Lines for the user: remaps and warnings. */
  notices: string[];
  errors: DevstackError[];
  /** What to remember for this project from now on (only remapped bindings). */
  remember: RememberedPorts;
}

export const DEFAULT_HOST_IP = '127.0.0.1';
export const HIGHEST_PORT = 65535;
const WILDCARD_IPS = new Set(['0.0.0.0', '::', '[::]']);
const REMEMBERED_HOLDER = 'was remapped on an earlier run; --reset-ports forgets it';

/** `web/80/tcp`; a scaled service's later replicas have their own (`web#2/80/tcp`). */
export function rememberKey(service: string, containerPort: number, protocol: PortProtocol, replica?: number): string {
  return `${service}${replica !== undefined && replica > 1 ? `#${replica}` : ''}/${containerPort}/${protocol}`;
}

/** How a binding's container is named in notices: its service, or `web-2` for a later replica. */
export function bindingOwner(b: { service: string; replica?: number }): string {
  return b.replica !== undefined && b.replica > 1 ? `${b.service}-${b.replica}` : b.service;
}

export function planPorts(input: PortPlanInput): PortPlan {
  const plan: PortPlan = { bindings: [], remaps: [], notices: [], errors: [], remember: {} };
  /** Host ports this plan already gave out, per protocol. */
  const chosen = new Map<string, { service: string; owner: string }>();
  const claim = (port: number, binding: RequestedBinding) => chosen.set(`${binding.protocol}/${port}`, { service: binding.service, owner: bindingOwner(binding) });
  const takenFor = (port: number, binding: RequestedBinding): string | false => {
    const claimedBy = chosen.get(`${binding.protocol}/${port}`);
    if (claimedBy !== undefined) {
      // A fixed host port of a scaled service: replica 1 has it, the others get the next free ones.
      if (claimedBy.service === binding.service && binding.replica !== undefined) return `taken by replica ${claimedBy.owner === binding.service ? `${binding.service}-1` : claimedBy.owner}`;
      return `also declared by service ${claimedBy.owner}`;
    }
    return input.isTaken(port, binding.protocol, binding);
  };

  for (const binding of input.bindings) {
    const hostIp = binding.hostIp ?? DEFAULT_HOST_IP;
    const declared = binding.hostPort;
    const label = portLabel(binding);
    const owner = bindingOwner(binding);
    const replica = binding.replica === undefined ? {} : { replica: binding.replica };
    const effective = (hostPort: number): EffectiveBinding => ({
      service: binding.service,
      ...replica,
      containerPort: binding.containerPort,
      protocol: binding.protocol,
      hostIp,
      hostPort,
      ...(declared === undefined ? {} : { declaredHostPort: declared }),
    });
    const warnIfWildcard = (hostPort: number) => {
      if (binding.hostIp !== undefined && WILDCARD_IPS.has(binding.hostIp)) {
        const what = hostPort === 0 ? `container port ${binding.containerPort}${suffix(binding.protocol)}` : label(hostPort);
        plan.notices.push(`${owner} publishes ${what} on ${binding.hostIp}: reachable from your network`);
      }
    };

    if (declared === undefined || declared === 0) {
      plan.bindings.push(effective(0));
      warnIfWildcard(0);
      continue;
    }

    const declaredHolder = takenFor(declared, binding);
    const key = rememberKey(binding.service, binding.containerPort, binding.protocol, binding.replica);
    const remembered = input.strict ? undefined : input.remembered[key];

    if (remembered !== undefined && remembered !== declared && takenFor(remembered, binding) === false) {
      claim(remembered, binding);
      plan.bindings.push(effective(remembered));
      const holder = declaredHolder === false ? REMEMBERED_HOLDER : declaredHolder;
      plan.remaps.push({ service: binding.service, ...replica, declared, effective: remembered, holder });
      plan.notices.push(`${owner} ${label(declared)} -> ${label(remembered)} (${declared} ${holder})`);
      plan.remember[key] = remembered;
      warnIfWildcard(remembered);
      continue;
    }

    if (declaredHolder === false) {
      claim(declared, binding);
      plan.bindings.push(effective(declared));
      warnIfWildcard(declared);
      continue;
    }

    if (input.strict) {
      plan.errors.push(
        new DevstackError('port', `host port ${label(declared)} for service ${owner} is taken: ${declared} ${declaredHolder}`, {
          hint: 'free it or drop --strict-ports',
        }),
      );
      plan.bindings.push(effective(declared));
      continue;
    }

    const replacement = nextFreePort(declared, (port) => takenFor(port, binding) === false);
    if (replacement === undefined) {
      plan.errors.push(
        new DevstackError('port', `no free host port above ${declared} for service ${owner} (${declared} ${declaredHolder})`, {
          hint: 'free a port or publish another one',
        }),
      );
      plan.bindings.push(effective(declared));
      continue;
    }
    claim(replacement, binding);
    plan.bindings.push(effective(replacement));
    plan.remaps.push({ service: binding.service, ...replica, declared, effective: replacement, holder: declaredHolder });
    plan.notices.push(`${owner} ${label(declared)} -> ${label(replacement)} (${declared} ${declaredHolder})`);
    plan.remember[key] = replacement;
    warnIfWildcard(replacement);
  }
  return plan;
}

/** The first port above `from` that `isFree` accepts, or undefined past 65535. */
export function nextFreePort(from: number, isFree: (port: number) => boolean): number | undefined {
  for (let port = from + 1; port <= HIGHEST_PORT; port++) if (isFree(port)) return port;
  return undefined;
}

function portLabel(binding: RequestedBinding): (port: number) => string {
  return (port) => `${port}${suffix(binding.protocol)}`;
}

function suffix(protocol: PortProtocol): string {
  return protocol === 'udp' ? '/udp' : '';
}
