// What devstack treats as secret wherever it prints values (`config`, port-remap notices in text and --json, a
// failing service's replayed log lines): values under secret-looking names, passwords inside URLs, bearer
// tokens, well-known token shapes, and any value devstack knows is secret (from the service's environment).

export const MASK = '********';

/**
 * Names whose values are secrets: *_PASSWORD, *_PASSWD, *_SECRET, *_TOKEN, *_KEY, *_CREDENTIALS (any case, and as
 * label segments: `db.password`, `api-key`). A `KEY` must be a whole segment or the end (API_KEY, APIKEY), so
 * KEYBOARD_LAYOUT is not one.
 */
const SECRET_NAME = /passw(?:or)?d|secret|token|credential|(?:^|[_.-])key(?:$|[_.-])|key$/i;

/** `scheme://user:password@host`: the password part. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):([^@/?#\s]+)@/gi;
/** `Authorization: Bearer abc…` and the like. */
const BEARER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** Token shapes that are secret whatever their name: GitHub, Stripe, Slack, AWS access key ids. */
const TOKEN_SHAPES = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
];
/** Shorter known values are not searched for in free text (masking "pw" in every line would garble it). */
const MIN_KNOWN_LENGTH = 4;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Masks the values under secret names, and the secrets inside the others (URL passwords, token shapes). */
export function maskEnv(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) out[key] = maskValue(key, value);
  return out;
}

/** One `KEY=value` value as devstack prints it. */
export function maskValue(key: string, value: string): string {
  return isSecretName(key) && value !== '' ? MASK : maskText(value);
}

/** Free text (a log line, a message): the patterns above, and every occurrence of a known secret value. */
export function maskText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    if (secret.length >= MIN_KNOWN_LENGTH) out = out.split(secret).join(MASK);
  }
  out = out.replace(URL_PASSWORD, `$1:${MASK}@`).replace(BEARER, `$1 ${MASK}`);
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, MASK);
  return out;
}

/** The secret values of an environment: those under secret names, and passwords inside URLs in any value. */
export function secretValues(values: Record<string, string>): string[] {
  const found = new Set<string>();
  for (const [key, value] of Object.entries(values)) {
    if (value === '') continue;
    if (isSecretName(key)) found.add(value);
    for (const m of value.matchAll(URL_PASSWORD)) found.add(m[2] as string);
  }
  return [...found];
}
