import type { PriceTable } from "./pricing.js";
import { redact, registerSecret } from "./redact.js";
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
  /** Run without a key (a placeholder is sent); default true only for a loopback baseURL with no apiKeyEnv given. */
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

/** What a server that needs no key gets: the SDKs refuse to run without one. */
export const NO_KEY = "no-key";

/** A provider's own API: where its default key variable may be sent. */
export interface OfficialApi {
  /** The provider's key variable, e.g. OPENAI_API_KEY. */
  keyEnv: string;
  /** Its API host, e.g. api.openai.com; the default key goes only there, over https. */
  host: string;
}

/** True when the requests go to the provider's own API: no baseURL, or https on its host. */
export function isOfficialApi(baseURL: string | undefined, api: OfficialApi): boolean {
  if (baseURL === undefined) return true;
  try {
    const url = new URL(baseURL);
    return url.protocol === "https:" && url.hostname === api.host;
  } catch {
    return false;
  }
}

/**
 * The API key to send, by where the requests go: the provider's own API gets the provider's
 * variable (or `apiKeyEnv`); any other server only the variable `apiKeyEnv` names, so a key for
 * OpenAI never reaches a gateway by default; a server on this machine without `apiKeyEnv` gets a
 * placeholder (the SDKs refuse to run without a key). A missing key is a config error naming what to set.
 */
export function apiKeyFor(opts: ModelCandidateOptions, id: string, api: OfficialApi): string {
  const env = opts.env ?? process.env;
  const official = isOfficialApi(opts.baseURL, api);
  const keyEnv = opts.apiKeyEnv ?? (official ? api.keyEnv : undefined);
  if (keyEnv === undefined) {
    if (opts.apiKeyOptional ?? (opts.baseURL !== undefined && isLoopbackUrl(opts.baseURL))) return NO_KEY;
    throw new ProviderError(
      "config",
      `${id}: no API key for the server at ${redact(opts.baseURL ?? "", env)}: name the environment variable that holds its key with apiKeyEnv (${api.keyEnv} is sent only to ${api.host})`,
    );
  }
  const key = env[keyEnv];
  if (key) {
    // Whatever the variable is called, its value is a secret from now on.
    registerSecret(key);
    return key;
  }
  if (opts.apiKeyOptional) return NO_KEY;
  throw new ProviderError("config", `${id}: no API key: set the environment variable ${keyEnv}`);
}
