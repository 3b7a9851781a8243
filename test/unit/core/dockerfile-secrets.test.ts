// Secrets baked into an image: ENV/ARG names that say secret, with a literal value, at their line.
import { describe, expect, it } from 'vitest';
import { checkDockerfile } from '../../../src/core/dockerfile-checks.js';
import { isSecretName } from '../../../src/core/dockerfile-secrets.js';

const ctx = { hasDockerignore: true, lockFiles: [], serviceHasReadiness: true };
const secrets = (text: string) => checkDockerfile(text, ctx).filter((f) => f.rule === 'secret-in-image').map((f) => `${f.line}: ${f.message}`);

describe('secret-in-image', () => {
  it('names that say secret, by words', () => {
    expect(['NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'apiKey', 'STRIPE_KEY', 'GITHUB_AUTH', 'credentials'].filter(isSecretName)).toHaveLength(7);
    expect(['KEYBOARD_LAYOUT', 'PUBLIC_KEY', 'TOKEN_URL', 'PASSWORD_FILE', 'NODE_ENV', 'MONKEY', 'PWD'].filter(isSecretName)).toEqual([]);
  });

  it('reports literal values in ENV (both forms) and ARG defaults at their lines; not names alone or $references', () => {
    const text = [
      'FROM node:20-alpine',
      'ARG NPM_TOKEN',
      'ARG GITHUB_TOKEN=ghp_abc123',
      'ENV NODE_ENV=production DB_PASSWORD="hunter2"',
      'ENV API_KEY sk_live_1',
      'ENV SESSION_SECRET=$SESSION_SECRET',
      'ENV JWT_SECRET=${JWT_SECRET:-x}',
      'USER node',
    ].join('\n');
    expect(secrets(text)).toEqual([
      '3: ARG GITHUB_TOKEN at line 3 has a literal secret as its default: it stays in the Dockerfile and the image\'s build history.',
      '4: ENV DB_PASSWORD at line 4 bakes a secret into the image: anyone who can pull it reads the value (docker inspect).',
      '5: ENV API_KEY at line 5 bakes a secret into the image: anyone who can pull it reads the value (docker inspect).',
    ]);
    const hint = checkDockerfile(text, ctx).find((f) => f.rule === 'secret-in-image' && f.line === 3)!.hint;
    expect(hint).toContain('RUN --mount=type=secret,id=github_token');
  });
});
