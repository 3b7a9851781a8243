// Makes a service's image present: build it (build: services), pull it, or reuse it.
import { imageRefFor } from '../core/container-spec.js';
import type { BuildRequest, ImagePort } from '../core/engine.js';
import { DevstackError, isDevstackError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { LABEL } from '../core/labels.js';
import type { Project, ServiceConfig } from '../core/model.js';

export interface ImageRequest {
  engine: ImagePort;
  project: Project;
  service: ServiceConfig;
  /** --build: build even when the image exists. */
  forceBuild: boolean;
  signal: AbortSignal;
  onEvent: EventSink;
}

/** Returns the image reference the service's container should run. */
export async function ensureServiceImage(req: ImageRequest): Promise<string> {
  const { engine, project, service, onEvent } = req;
  const ref = imageRefFor(project.name, service);
  const present = await engine.imageExists(ref);
  const policy = service.pullPolicy;

  if (service.build && (req.forceBuild || !present || policy === 'build')) {
    onEvent({ type: 'service', service: service.name, phase: 'build', detail: ref });
    await locatedAt(service, engine.buildImage(
      {
        context: service.build.context,
        dockerfile: service.build.dockerfile,
        tag: ref,
        args: service.build.args,
        ...(service.build.target ? { target: service.build.target } : {}),
        labels: { ...service.build.labels, [LABEL.project]: project.name, [LABEL.service]: service.name },
        ...(service.build.noCache ? { noCache: true } : {}),
        ...buildOptions(service),
      },
      { signal: req.signal },
    ));
    return ref;
  }
  if (present && policy !== 'always') return ref;
  if (policy === 'never') {
    throw new DevstackError('service-failed', `${service.name}: image ${ref} is not present and pull_policy is "never"`, {
      location: service.source,
      hint: `Build or load ${ref} first, or change pull_policy.`,
    });
  }
  onEvent({ type: 'service', service: service.name, phase: 'pull', detail: ref });
  await engine.pullImage(ref, { signal: req.signal });
  return ref;
}

/** A build refused for what the compose file says (a symlink out of the context) points at the service. */
async function locatedAt<T>(service: ServiceConfig, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (!isDevstackError(e) || e.kind !== 'compose' || e.location) throw e;
    throw new DevstackError('compose', e.message, { location: service.source, ...(e.hint ? { hint: e.hint } : {}), details: e.details, cause: e });
  }
}

/** The build keys past context/dockerfile/args: inline Dockerfile, RUN network, cache sources, hosts, /dev/shm, tags, platform. */
function buildOptions(service: ServiceConfig): Partial<BuildRequest> {
  const b = service.build!;
  const platform = service.platform ?? b.platforms?.[0];
  return {
    ...(b.dockerfileInline !== undefined ? { dockerfileInline: b.dockerfileInline } : {}),
    ...(b.network ? { network: b.network } : {}),
    ...(b.cacheFrom ? { cacheFrom: b.cacheFrom } : {}),
    ...(b.extraHosts ? { extraHosts: b.extraHosts } : {}),
    ...(b.shmSize !== undefined ? { shmSize: b.shmSize } : {}),
    ...(b.tags ? { extraTags: b.tags } : {}),
    ...(platform ? { platform } : {}),
  };
}
