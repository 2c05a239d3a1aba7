/** Keeps API keys out of every error message, log line, cache entry and report. */

export const REDACTED = "[redacted]";

/** Env var names whose values are secrets. */
const SECRET_NAME = /(_KEY|_TOKEN|_SECRET|_PASSWORD|^API_KEY|^TOKEN|^SECRET)$/i;

/** Shorter values ("1", "true") would redact innocent text everywhere. */
const MIN_SECRET_LENGTH = 8;

/** Key-like text, with what each match becomes ($1 keeps a harmless prefix). */
const SECRET_PATTERNS: [RegExp, string][] = [
  // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-…) and most OpenAI-compatible gateways.
  [/\bsk-[A-Za-z0-9_-]{12,}/g, REDACTED],
  // Authorization header values that leak into messages.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // Keys passed in URLs.
  [/\b((?:api[_-]?key|access[_-]?token|token|secret|key)=)[^&\s"']+/gi, `$1${REDACTED}`],
];

/**
 * Values a provider read from a variable it was told holds a secret (`apiKeyEnv`, `${env:NAME}` of an
 * HTTP bot), whatever that variable is called. Process-wide, because a key read once may turn up in
 * any later message, results line or cache entry; it grows during one command and is cleared when
 * the next begins (`forgetRegisteredSecrets`), so in-process commands (tests) do not share it.
 */
const registered = new Set<string>();

/** Start a command with no registered secrets. */
export function forgetRegisteredSecrets(): void {
  registered.clear();
}

/** Redacts this value from now on, wherever `redact` runs (values under 8 characters are not). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

/** The secret values found in an environment, plus the registered ones, longest first so overlapping values redact whole. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set<string>(registered);
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name)) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** Replaces secrets (registered values, env values of *_KEY/*_TOKEN/*_SECRET vars, key-like patterns) in a string. */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const value of secretValues(env)) out = out.split(value).join(REDACTED);
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Redacts every string inside a JSON-like value (objects, arrays), returning a copy. */
export function redactDeep<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  return walk(value, env, new WeakSet()) as T;
}

function walk(value: unknown, env: NodeJS.ProcessEnv, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redact(value, env);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, env, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = walk(item, env, seen);
  return out;
}
