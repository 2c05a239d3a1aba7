import { z } from "zod";
import type { ProviderEntry } from "../config/schema.js";
import type { Domain } from "../suite/domain-schema.js";
import type { ReferenceStep } from "../suite/schema.js";
import { faqBotCandidate } from "./builtin/faq-bot.js";
import { referenceCandidate } from "./builtin/reference.js";
import { createModuleCandidate } from "./module-bot.js";
import type { PriceTable } from "./pricing.js";
import { redact } from "./redact.js";
import { createReplayCandidate } from "./replay.js";
import { type Candidate, ProviderError } from "./types.js";

/** Everything a provider may need besides its own entry. */
export interface ProviderContext {
  cwd: string;
  domains: Map<string, Domain>;
  /** Gold references by scenario id (for builtin:reference and self-test mutants). */
  references: (scenarioId: string) => ReferenceStep[] | undefined;
  pricing: PriceTable;
  timeoutMs: number;
  retries: number;
  cache: { enabled: boolean; dir: string };
  env: NodeJS.ProcessEnv;
}

export interface ResolvedProvider {
  candidate: Candidate;
  /** Conversations this candidate may hold at once, beside the global limit. */
  concurrency?: number;
  /** Makes network calls (and so is wrapped in retries and the cache). */
  remote: boolean;
}

export const BUILTIN_CANDIDATES = ["builtin:faq-bot", "builtin:reference"];
const SCHEMES = ["builtin", "openai", "anthropic", "http", "https", "module", "replay", "promptfoo"];

/** A config entry in its object form. */
export function normalizeEntry(entry: ProviderEntry): Exclude<ProviderEntry, string> {
  return typeof entry === "string" ? { provider: entry, options: {} } : entry;
}

/** Split `scheme:rest`; query parameters after `?` become options (e.g. openai:llama3?baseURL=…). */
export function parseSpec(spec: string): { scheme: string; rest: string; params: Record<string, string> } {
  const at = spec.indexOf(":");
  if (at <= 0)
    throw new ProviderError(
      "config",
      `"${spec}" is not a provider spec; use one of ${SCHEMES.map((s) => `${s}:…`).join(", ")}`,
    );
  const scheme = spec.slice(0, at);
  let rest = spec.slice(at + 1);
  const params: Record<string, string> = {};
  const q = rest.indexOf("?");
  if (q >= 0 && scheme !== "http" && scheme !== "https") {
    for (const [k, v] of new URLSearchParams(rest.slice(q + 1))) params[k] = v;
    rest = rest.slice(0, q);
  }
  if (!SCHEMES.includes(scheme))
    throw new ProviderError("config", `unknown provider "${scheme}" in "${spec}"; known: ${SCHEMES.join(", ")}`);
  return { scheme, rest, params };
}

/** Build a candidate (or judge, or customer simulator) from a spec or config entry. */
export async function createProvider(entry: ProviderEntry, ctx: ProviderContext): Promise<ResolvedProvider> {
  const e = normalizeEntry(entry);
  const { scheme, rest, params } = parseSpec(e.provider);
  const id = e.id ?? e.provider;
  switch (scheme) {
    case "builtin": {
      if (rest === "faq-bot") return { candidate: faqBotCandidate(ctx.domains, id), remote: false };
      if (rest === "reference") return { candidate: referenceCandidate(ctx.references, id), remote: false };
      throw new ProviderError("config", `unknown built-in bot "${rest}"; known: ${BUILTIN_CANDIDATES.join(", ")}`);
    }
    case "module": {
      const candidate = await createModuleCandidate(rest, ctx.cwd, id, { timeoutMs: ctx.timeoutMs });
      return { candidate, remote: false, concurrency: e.concurrency };
    }
    case "replay":
      return { candidate: createReplayCandidate(rest, ctx.cwd, id), remote: false };
    default:
      return createRemoteProvider(scheme, rest, params, e, id, ctx);
  }
}

const HttpUrl = z.string().refine((value) => {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, "is not an http:// or https:// URL");
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "is not an environment variable name");

/** Where an openai: or anthropic: provider is and which variable holds its key, from the entry or the spec's query. */
const ModelEndpoint = z.object({ baseURL: HttpUrl.optional(), apiKeyEnv: EnvName.optional() });
type ModelEndpoint = z.infer<typeof ModelEndpoint>;
const QUERY_OPTIONS = Object.keys(ModelEndpoint.shape);

const EXAMPLE_MODEL: Record<string, string> = { openai: "gpt-4.1-mini", anthropic: "claude-haiku-4-5" };

/** The model, endpoint and key variable of an openai: or anthropic: provider; anything wrong is a config error. */
function modelEndpoint(
  scheme: string,
  rest: string,
  params: Record<string, string>,
  e: Exclude<ProviderEntry, string>,
  id: string,
  env: NodeJS.ProcessEnv,
): ModelEndpoint & { model: string } {
  const model = rest.trim();
  if (model === "") {
    throw new ProviderError(
      "config",
      `${id}: no model named; write ${scheme}:<model>, e.g. ${scheme}:${EXAMPLE_MODEL[scheme]}`,
    );
  }
  const unknown = Object.keys(params).filter((k) => !QUERY_OPTIONS.includes(k));
  if (unknown.length > 0) {
    throw new ProviderError(
      "config",
      `${id}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} in the spec; known: ${QUERY_OPTIONS.join(", ")} (other settings go in a config entry)`,
    );
  }
  const given = { baseURL: e.baseURL ?? params.baseURL, apiKeyEnv: e.apiKeyEnv ?? params.apiKeyEnv };
  const parsed = ModelEndpoint.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0]);
    const value = given[field as keyof typeof given] ?? "";
    throw new ProviderError("config", `${id}: ${field} ${JSON.stringify(redact(value, env))} ${issue.message}`);
  }
  return { model, ...parsed.data };
}

async function createRemoteProvider(
  scheme: string,
  rest: string,
  params: Record<string, string>,
  e: Exclude<ProviderEntry, string>,
  id: string,
  ctx: ProviderContext,
): Promise<ResolvedProvider> {
  const common = {
    temperature: e.temperature,
    seed: e.seed,
    maxTokens: e.max_tokens,
    system: e.system_prompt,
    pricing: ctx.pricing,
    env: ctx.env,
  };
  // What every model provider takes: the model from the spec, endpoint and key variable from entry or query.
  const model = () => ({ ...common, id, ...modelEndpoint(scheme, rest, params, e, id, ctx.env) });
  let candidate: Candidate;
  // A bot that keeps the conversation must never get a request twice.
  let stateful = false;
  if (scheme === "openai") {
    const { createOpenAICandidate } = await import("./openai.js");
    candidate = createOpenAICandidate({ ...model(), stream: e.stream });
  } else if (scheme === "anthropic") {
    const { createAnthropicCandidate } = await import("./anthropic.js");
    candidate = createAnthropicCandidate(model());
  } else if (scheme === "http" || scheme === "https") {
    const { createHttpBotCandidate } = await import("./http-bot.js");
    // `http:` alone takes everything from options; `http://host/path` is the bot's URL.
    const url = rest.startsWith("//") ? `${scheme}:${rest}` : (e.options.url as string | undefined);
    if (!url) throw new ProviderError("config", `${id}: an http bot needs a URL (http://… or options.url)`);
    const bot = createHttpBotCandidate(
      // Without an id of its own, an HTTP bot is named after its URL (`http:` alone names nothing).
      { response: { text: "reply" }, ...e.options, url, id: e.id } as Parameters<typeof createHttpBotCandidate>[0],
      { env: ctx.env },
    );
    stateful = bot.stateful;
    candidate = bot;
  } else if (scheme === "promptfoo") {
    const { createPromptfooCandidate } = await import("./promptfoo.js");
    candidate = await createPromptfooCandidate(rest, { id, options: e.options, basePath: ctx.cwd, env: ctx.env });
  } else {
    throw new ProviderError("config", `provider "${scheme}" is not available in this build`);
  }
  const { withRetries } = await import("./retry.js");
  let wrapped = withRetries(candidate, { retries: ctx.retries, timeoutMs: ctx.timeoutMs, stateful });
  // Deployed bots keep state between calls, so their answers are never cached.
  if (ctx.cache.enabled && scheme !== "http" && scheme !== "https") {
    const { withCache } = await import("./cache.js");
    wrapped = withCache(wrapped, {
      dir: ctx.cache.dir,
      params: {
        provider: e.provider,
        temperature: e.temperature,
        seed: e.seed,
        max_tokens: e.max_tokens,
        system: e.system_prompt,
        baseURL: e.baseURL,
      },
      env: ctx.env,
    });
  }
  return { candidate: wrapped, remote: true, concurrency: e.concurrency };
}
