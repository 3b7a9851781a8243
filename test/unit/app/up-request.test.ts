import { describe, expect, it } from 'vitest';
import { nestedUpRequest } from '../../../src/app/up-request.js';
import type { Project } from '../../../src/core/model.js';

describe('nestedUpRequest', () => {
  const project = { name: 'demo', services: {} } as unknown as Project;
  const settings = { strictPorts: true, waitTimeoutMs: 5000, stateDir: '/state', signal: new AbortController().signal, onEvent: () => {} };

  it('runs only the named services, forces and builds nothing, keeps remembered ports, and passes the session settings on', () => {
    const req = nestedUpRequest(project, ['db'], settings);
    expect(req).toEqual({ project, services: ['db'], forceRecreate: false, removeOrphans: false, build: false, resetPorts: false, ...settings });
    expect('rebuild' in req).toBe(false);
  });

  it('carries watch\'s rebuild list when given', () => {
    expect(nestedUpRequest(project, ['api'], settings, ['api']).rebuild).toEqual(['api']);
  });
});
