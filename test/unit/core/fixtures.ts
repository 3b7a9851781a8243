import type { Project, ServiceConfig } from '../../../src/core/model.js';

export function service(name: string, over: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name,
    image: `${name}:latest`,
    environment: {},
    ports: [],
    expose: [],
    volumes: [],
    dependsOn: {},
    labels: {},
    tty: false,
    stdinOpen: false,
    extraHosts: [],
    networks: { default: { aliases: [] } },
    profiles: [],
    devstack: {},
    source: { file: '/p/compose.yaml', line: 2, col: 3 },
    ...over,
  };
}

export function dependsOn(...names: string[]): ServiceConfig['dependsOn'] {
  return Object.fromEntries(names.map((n) => [n, { condition: 'service_started' as const, required: true, restart: false }]));
}

export function project(services: ServiceConfig[], over: Partial<Project> = {}): Project {
  return {
    name: 'demo',
    workingDir: '/p',
    composeFiles: ['/p/compose.yaml'],
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    inactiveServices: [],
    networks: { default: { name: 'demo_default', external: false, labels: {} } },
    volumes: {},
    ...over,
  };
}
