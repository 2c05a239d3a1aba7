import { handoffFromToolCalls, parseToolArguments, toOpenAIMessages } from "./openai.js";
import { redact } from "./redact.js";
import { errorFromStatus, NetworkError } from "./retry.js";
import type { BotTurn, Candidate, Message, RespondRequest, ToolCall, Usage } from "./types.js";
import { ProviderError } from "./types.js";

/** Any promptfoo provider as a candidate, loaded only when asked for (promptfoo is an optional peer dependency). */

/** Switched on before promptfoo is imported, whatever the environment says: nothing leaves the machine unasked. */
export const PROMPTFOO_FORCED_ENV: Readonly<Record<string, string>> = {
  PROMPTFOO_DISABLE_TELEMETRY: "1",
  PROMPTFOO_DISABLE_UPDATE: "1",
  PROMPTFOO_DISABLE_REMOTE_GENERATION: "true",
  PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: "true",
  PROMPTFOO_DISABLE_SHARING: "1",
  PROMPTFOO_DISABLE_SHARE_EMAIL_REQUEST: "1",
};

/** Defaults a user may override: promptfoo's own cache would make every trial replay the first answer
 * (supportbench caches itself, per conversation), and its log files would land in the home folder. */
export const PROMPTFOO_DEFAULT_ENV: Readonly<Record<string, string>> = {
  PROMPTFOO_CACHE_ENABLED: "false",
  PROMPTFOO_DISABLE_DEBUG_LOG: "true",
  PROMPTFOO_DISABLE_ERROR_LOG: "true",
};

/** The part of promptfoo's module this file uses (its types are not needed where promptfoo is absent). */
export interface PromptfooModuleLike {
  loadApiProvider(
    providerPath: string,
    context?: { options?: Record<string, unknown>; basePath?: string; env?: Record<string, string> },
  ): Promise<PromptfooProviderLike>;
}

interface PromptfooProviderLike {
  id(): string;
  callApi(prompt: string, context?: unknown, options?: { abortSignal?: AbortSignal }): Promise<PromptfooResponseLike>;
  cleanup?(): Promise<void> | void;
}

interface PromptfooResponseLike {
  output?: unknown;
  error?: string;
  tokenUsage?: { prompt?: number; completion?: number; total?: number };
  cost?: number;
}

export interface PromptfooCandidateOptions {
  /** Default `promptfoo:<providerId>`. */
  id?: string;
  /** The provider's options as in a promptfoo config: `config`, `label`, `transform`… */
  options?: Record<string, unknown>;
  /**
   * How the conversation becomes promptfoo's one prompt string: `chat-json` (default; OpenAI-style
   * message list, which promptfoo's chat providers read), `last-message` (the customer's newest
   * message, for bots that keep state) or `transcript` ("Customer: …\nAgent: …").
   */
  prompt?: "chat-json" | "last-message" | "transcript";
  /** Resolves file:// references in the provider's options. */
  basePath?: string;
  /** Loads promptfoo; tests pass one that fails like a missing package. */
  importPromptfoo?: () => Promise<unknown>;
  env?: NodeJS.ProcessEnv;
}

/** Applies promptfoo's privacy switches to an environment (before promptfoo reads it). */
export function applyPromptfooEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(PROMPTFOO_FORCED_ENV)) env[name] = value;
  for (const [name, value] of Object.entries(PROMPTFOO_DEFAULT_ENV)) env[name] ??= value;
}

function isMissingModule(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    err instanceof Error &&
    /promptfoo/.test(err.message)
  );
}

/** The conversation as one prompt string. */
export function promptfooPrompt(format: "chat-json" | "last-message" | "transcript", req: RespondRequest): string {
  if (format === "chat-json") return JSON.stringify(toOpenAIMessages(req.system, req.messages));
  if (format === "last-message") {
    const lastUser = [...req.messages]
      .reverse()
      .find((m): m is Extract<Message, { role: "user" }> => m.role === "user");
    return lastUser?.content ?? "";
  }
  return req.messages
    .flatMap((m) =>
      m.role === "tool" || m.content === "" ? [] : [`${m.role === "user" ? "Customer" : "Agent"}: ${m.content}`],
    )
    .join("\n");
}

/** promptfoo reports failures as text; the kind is read from it, an HTTP status first. */
export function classifyPromptfooFailure(
  message: string,
  id: string,
  env: NodeJS.ProcessEnv = process.env,
): ProviderError {
  const text = redact(`${id}: ${message}`, env);
  const status = /\b(?:status|HTTP|Rate limited:)\s*(\d{3})\b/i.exec(message) ?? /^(\d{3})\s/.exec(message);
  if (status) return errorFromStatus(Number(status[1]), text);
  if (/\b429\b|rate.?limit/i.test(message)) return new ProviderError("rate_limit", text, undefined, 429);
  if (/\bunauthori[sz]ed\b|invalid api key|api key is (missing|not set)/i.test(message))
    return new ProviderError("config", text);
  if (/\btimed out\b|\btimeout\b(?!=)|ETIMEDOUT/i.test(message)) return new ProviderError("timeout", text);
  if (/ECONNRESET|ECONNREFUSED|EPIPE|fetch failed|socket hang up|other side closed/i.test(message)) {
    return new NetworkError(text);
  }
  if (/JSON|Unexpected token|Unexpected end|parse/i.test(message)) return new ProviderError("bad_response", text);
  return new ProviderError("candidate_error", text);
}

function toolCallsFrom(list: unknown[]): ToolCall[] {
  return list.flatMap((item, i) => {
    if (!item || typeof item !== "object") return [];
    const call = item as Record<string, unknown>;
    const fn = (call.function && typeof call.function === "object" ? call.function : {}) as Record<string, unknown>;
    const name = typeof fn.name === "string" ? fn.name : typeof call.name === "string" ? call.name : undefined;
    if (!name) return [];
    const rawArgs = fn.arguments ?? call.input ?? call.arguments ?? {};
    return [
      {
        id: typeof call.id === "string" ? call.id : `${name}-${i}`,
        name,
        args: typeof rawArgs === "string" ? parseToolArguments(rawArgs) : rawArgs,
      },
    ];
  });
}

/** A promptfoo output (text, an OpenAI-style message or a list of tool calls) as a turn. */
export function turnFromOutput(output: unknown): BotTurn {
  const turn: BotTurn = {};
  if (typeof output === "string") {
    if (output !== "") turn.text = output;
  } else if (Array.isArray(output)) {
    const calls = toolCallsFrom(output);
    if (calls.length > 0) turn.toolCalls = calls;
    else turn.text = JSON.stringify(output);
  } else if (output && typeof output === "object") {
    const message = output as Record<string, unknown>;
    if (typeof message.content === "string" && message.content !== "") turn.text = message.content;
    if (Array.isArray(message.tool_calls)) {
      const calls = toolCallsFrom(message.tool_calls);
      if (calls.length > 0) turn.toolCalls = calls;
    }
    if (!turn.text && !turn.toolCalls) turn.text = JSON.stringify(output);
  } else if (output !== undefined && output !== null) {
    turn.text = String(output);
  }
  if (turn.toolCalls) {
    const handoff = handoffFromToolCalls(turn.toolCalls);
    if (handoff) turn.handoff = handoff;
  }
  return turn;
}

/** Loads a promptfoo provider (importing promptfoo now, with its switches set) and wraps it as a candidate. */
export async function createPromptfooCandidate(
  providerId: string,
  options: PromptfooCandidateOptions = {},
): Promise<Candidate> {
  const env = options.env ?? process.env;
  const id = options.id ?? `promptfoo:${providerId}`;
  applyPromptfooEnv(process.env);
  let module: PromptfooModuleLike;
  try {
    module = (await (options.importPromptfoo ?? (() => import("promptfoo")))()) as PromptfooModuleLike;
  } catch (err) {
    if (isMissingModule(err)) {
      throw new ProviderError(
        "config",
        `${id}: promptfoo is not installed; run \`npm install promptfoo\` to use promptfoo providers (it is an optional peer dependency)`,
      );
    }
    throw new ProviderError("config", redact(`${id}: promptfoo could not be loaded: ${String(err)}`, env));
  }
  if (typeof module.loadApiProvider !== "function") {
    throw new ProviderError("config", `${id}: this promptfoo version has no loadApiProvider`);
  }
  const providerOptions = { ...(options.options ?? {}) };
  if (/^https?(:|$)/.test(providerId)) {
    const config = (providerOptions.config ?? {}) as Record<string, unknown>;
    // Retries are supportbench's; and promptfoo's HTTP provider would otherwise feed an error
    // page to the response transform as if it were an answer.
    providerOptions.config = {
      maxRetries: 0,
      validateStatus: (status: number) => status >= 200 && status < 300,
      ...config,
    };
  }
  let provider: PromptfooProviderLike;
  try {
    provider = await module.loadApiProvider(providerId, {
      options: providerOptions,
      ...(options.basePath ? { basePath: options.basePath } : {}),
    });
  } catch (err) {
    throw new ProviderError(
      "config",
      redact(`${id}: promptfoo cannot load provider "${providerId}": ${String(err)}`, env),
    );
  }
  const format = options.prompt ?? "chat-json";

  async function respond(req: RespondRequest): Promise<BotTurn> {
    const prompt = promptfooPrompt(format, req);
    const vars = {
      prompt,
      message: promptfooPrompt("last-message", req),
      history: JSON.stringify(toOpenAIMessages(undefined, req.messages)),
      sessionId: req.context.sessionId ?? req.context.conversationId,
      session_id: req.context.sessionId ?? req.context.conversationId,
      language: req.context.language,
      scenario_id: req.context.scenarioId,
    };
    let response: PromptfooResponseLike;
    try {
      response = await provider.callApi(
        prompt,
        { prompt: { raw: prompt, label: id }, vars },
        { abortSignal: req.signal },
      );
    } catch (err) {
      if (req.signal.aborted) throw req.signal.reason;
      throw classifyPromptfooFailure(err instanceof Error ? err.message : String(err), id, env);
    }
    if (req.signal.aborted) throw req.signal.reason;
    if (!response || typeof response !== "object")
      throw new ProviderError("bad_response", `${id}: promptfoo returned no response`);
    if (response.error) throw classifyPromptfooFailure(response.error, id, env);
    const turn = turnFromOutput(response.output);
    if (!turn.text && !turn.toolCalls) throw new ProviderError("bad_response", `${id}: the provider's output is empty`);
    const usage = response.tokenUsage;
    if (usage && (usage.prompt !== undefined || usage.completion !== undefined)) {
      const u: Usage = { inputTokens: usage.prompt ?? 0, outputTokens: usage.completion ?? 0 };
      if (typeof response.cost === "number") u.costUsd = response.cost;
      turn.usage = u;
    }
    return turn;
  }

  return {
    id,
    respond,
    close: async () => {
      await provider.cleanup?.();
    },
  };
}
