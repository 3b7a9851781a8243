// The one masking rule devstack prints values through: secret names, URL passwords, bearer tokens, token shapes,
// and values it knows are secret.
import { describe, expect, it } from 'vitest';
import { isSecretName, MASK, maskEnv, maskText, secretValues } from '../../../src/core/secret-masking.js';

describe('secret masking', () => {
  it.each(['DB_PASSWORD', 'POSTGRES_PASSWORD', 'MYSQL_ROOT_PASSWD', 'PGPASSWORD', 'API_TOKEN', 'github_token', 'CLIENT_SECRET', 'API_KEY', 'APIKEY', 'STRIPE_SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'db.password', 'api-key', 'GOOGLE_CREDENTIALS'])(
    '%s is a secret name',
    (name) => expect(isSecretName(name)).toBe(true),
  );

  it.each(['DATABASE_URL', 'KEYBOARD_LAYOUT', 'MONKEY_MODE', 'PORT', 'com.docker.compose.project', 'db.host'])('%s is not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  it('masks values under secret names and the secrets inside the others', () => {
    expect(
      maskEnv({
        POSTGRES_PASSWORD: 'S3cret',
        DATABASE_URL: 'postgresql://app:S3cret@localhost:5433/app',
        REDIS_URL: 'redis://:pw@cache:6379',
        CALLBACK: 'http://localhost:3000/cb',
        EMPTY_TOKEN: '',
      }),
    ).toEqual({
      POSTGRES_PASSWORD: MASK,
      DATABASE_URL: `postgresql://app:${MASK}@localhost:5433/app`,
      REDIS_URL: `redis://:${MASK}@cache:6379`,
      CALLBACK: 'http://localhost:3000/cb',
      EMPTY_TOKEN: '',
    });
  });

  it.each([
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def', `Authorization: Bearer ${MASK}`],
    ['token ghp_0123456789abcdefghijABCDEFGHIJ0123 ok', `token ${MASK} ok`],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', MASK],
    ['stripe sk_live_51H8abcdefghijkl', `stripe ${MASK}`],
    ['slack xoxb-1234567890-abcdefghij', `slack ${MASK}`],
    ['aws AKIAIOSFODNN7EXAMPLE here', `aws ${MASK} here`],
    ['connect to mysql://root:hunter22@db/app failed', `connect to mysql://root:${MASK}@db/app failed`],
    ['nothing secret: sk_test is a word, Bearer of news', 'nothing secret: sk_test is a word, Bearer of news'],
  ])('masks secrets in text: %s', (text, expected) => {
    expect(maskText(text)).toBe(expected);
  });

  it('masks every occurrence of a known secret value, but not values too short to search for', () => {
    expect(maskText('login as app with S3cretPw (S3cretPw)', ['S3cretPw'])).toBe(`login as app with ${MASK} (${MASK})`);
    expect(maskText('pw is pw', ['pw'])).toBe('pw is pw');
  });

  it('collects the secret values of an environment: secret names and URL passwords', () => {
    expect(secretValues({ APP_PASSWORD: 'p4ssw0rd', DATABASE_URL: 'postgres://u:inurl99@db/x', HOST: 'db', API_TOKEN: '' }).sort()).toEqual(['inurl99', 'p4ssw0rd']);
  });
});
