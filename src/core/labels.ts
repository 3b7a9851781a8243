// Labels devstack puts on what it creates. Compatible with docker compose, so `docker compose ps`
// and `docker-compose ps` list devstack stacks; plus devstack's own ownership label.
export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  version: 'com.docker.compose.version',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  dependsOn: 'com.docker.compose.depends_on',
  image: 'com.docker.compose.image',
  /** devstack's own mark: present on everything devstack created. Value: devstack version. */
  devstack: 'io.devstack.managed',
} as const;

/** The compose version we claim in labels (docker-compose 1.29 reads it). */
export const COMPOSE_LABEL_VERSION = '1.29.2';

/** The service's running container, not a one-off (`run`) one. */
export function runningServiceContainer<C extends { labels: Record<string, string>; status: string }>(containers: C[], service: string): C | undefined {
  return containers.find((c) => c.labels[LABEL.service] === service && c.labels[LABEL.oneoff] !== 'True' && c.status === 'running');
}
