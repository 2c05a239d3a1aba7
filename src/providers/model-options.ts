import type { PriceTable } from "./pricing.js";
import { redact } from "./redact.js";
import { ProviderError } from "./types.js";

/** What every model provider driven through an official SDK (openai, anthropic) is configured with. */
export interface ModelCandidateOptions {
  model: string;
  /** Default `<provider>:<model>`. */
  id?: string;
  /** A compatible server or gateway, e.g. http://localhost:11434/v1 (Ollama); default the SDK's. */
  baseURL?: string;
  /** The env var holding the key (default the provider's own); keys never come from config files. */
  apiKeyEnv?: string;
  /** Run without a key; default true only for a loopback baseURL with no apiKeyEnv given. */
  apiKeyOptional?: boolean;
  /** Replaces the system prompt of each request (the domain policy), when set. */
  system?: string;
  temperature?: number;
  maxTokens?: number;
  /** Prices per 1M tokens that override datasets/pricing.yaml. */
  pricing?: PriceTable;
  /** The SDK's own limit per request (default 10 min); `withRetries` sets the real per-call timeout. */
  timeoutMs?: number;
  /** Where keys are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** True for URLs of this machine, where servers such as Ollama need no key. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return (
      host === "localhost" || host.endsWith(".localhost") || host === "::1" || host === "0.0.0.0" || /^127\./.test(host)
    );
  } catch {
    return false;
  }
}

/**
 * The API key from the environment, or a placeholder where none is needed (a local server: the
 * SDKs refuse to run without one); a missing key anywhere else is a config error naming the variable.
 */
export function apiKeyFor(opts: ModelCandidateOptions, id: string, defaultEnv: string): string {
  const env = opts.env ?? process.env;
  const keyEnv = opts.apiKeyEnv ?? defaultEnv;
  const key = env[keyEnv];
  if (key) return key;
  const optional =
    opts.apiKeyOptional ?? (opts.baseURL !== undefined && opts.apiKeyEnv === undefined && isLoopbackUrl(opts.baseURL));
  if (!optional) {
    throw new ProviderError(
      "config",
      `${id}: no API key: set the environment variable ${keyEnv}${opts.baseURL ? `, or mark the key optional for a server at ${redact(opts.baseURL, env)} that needs none` : ""}`,
    );
  }
  return "no-key";
}
