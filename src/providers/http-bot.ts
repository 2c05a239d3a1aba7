import { z } from "zod";
import { didYouMean } from "../suite/problems.js";
import { httpBotId } from "./http-bot-id.js";
import { createHttpClient, type HttpAnswer } from "./http-request.js";
import { parseToolArguments } from "./openai.js";
import { redact, registerSecret } from "./redact.js";
import { errorFromStatus, NetworkError, ResponseShapeError } from "./retry.js";
import type { BotTurn, Candidate, Message, RespondRequest, ToolCall } from "./types.js";
import { ProviderError } from "./types.js";

/** A deployed bot behind a webhook: a black box that answers one customer message at a time. */

/** Where the fields of the bot's JSON answer are, as dot paths ("output.text", "choices.0.message.content"). */
export const HttpBotResponseMapping = z.strictObject({
  /** The reply text. */
  text: z.string().min(1),
  /** A boolean-like value (true, "true", 1): the bot hands the conversation to a person. */
  handoff: z.string().min(1).optional(),
  handoffReason: z.string().min(1).optional(),
  handoffSummary: z.string().min(1).optional(),
  /** A list of the bot's own tool calls, each with a name (name/tool/function.name) and arguments (args/arguments/input). */
  toolCalls: z.string().min(1).optional(),
  /** A boolean-like value: the bot closed the conversation. */
  end: z.string().min(1).optional(),
  /** Where a bot that issues its own session ids returns one; later turns send it back as {{session_id}}. */
  sessionId: z.string().min(1).optional(),
});
export type HttpBotResponseMapping = z.infer<typeof HttpBotResponseMapping>;

export const HttpBotOptions = z.strictObject({
  /** May hold ${env:NAME} and {{…}} placeholders (URL-encoded). */
  url: z.string().min(1),
  /** Default `http:<host><path>` of the URL as written (`${env:NAME}` stays a name). */
  id: z.string().min(1).optional(),
  method: z.enum(["POST", "PUT", "PATCH", "GET"]).default("POST"),
  /** Values are text with ${env:NAME} and one-line {{…}} placeholders; credentials must come from env. */
  headers: z.record(z.string(), z.string()).default({}),
  /**
   * JSON template; strings may hold {{message}}, {{history}}, {{session_id}}, {{language}},
   * {{scenario_id}}, {{conversation_id}}. A string that is exactly "{{history}}" becomes the list itself.
   * Default: `{ session_id, message, language }` (stateful) or `{ session_id, messages: history, language }`.
   */
  body: z.unknown().optional(),
  response: HttpBotResponseMapping,
  /** stateful: the bot keeps the history and gets only the newest message; history: it gets all of it each turn. */
  session: z.enum(["stateful", "history"]).default("history"),
});
export type HttpBotOptions = z.input<typeof HttpBotOptions>;

/** What a candidate built here adds: the bot runs its own tools, so its tool calls are observations. */
export interface HttpBotCandidate extends Candidate {
  runsOwnTools: true;
  /** `session: stateful`: the bot keeps the conversation, so a request must never be sent twice. */
  stateful: boolean;
}

const ENV_PLACEHOLDER = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const CREDENTIAL_HEADER = /authorization|api[-_]?key|token|secret|cookie|password/i;

/**
 * Replaces ${env:NAME} placeholders; a missing variable is a config error naming it. Each value is
 * redacted from then on, whatever its variable is called.
 */
export function interpolateEnv(text: string, env: NodeJS.ProcessEnv, where: string): string {
  return text.replace(ENV_PLACEHOLDER, (_, name: string) => {
    const value = env[name];
    if (value === undefined || value === "") {
      throw new ProviderError("config", `${where}: the environment variable ${name} is not set`);
    }
    registerSecret(value);
    return value;
  });
}

/** The placeholders of body and URL templates. */
export const PLACEHOLDERS = ["message", "history", "session_id", "language", "scenario_id", "conversation_id"] as const;
/** Headers take only one-line values: the customer's text and the history can hold line breaks. */
const HEADER_PLACEHOLDERS = ["session_id", "language", "scenario_id", "conversation_id"] as const;

/**
 * What in a template would be sent literally: unknown placeholder names and unclosed `{{`, each
 * named with where it is (`body.text`, `headers.X-Session`, `url`) and the likely intended name.
 */
export function templateProblems(template: unknown, where: string, known: readonly string[] = PLACEHOLDERS): string[] {
  if (typeof template === "string") return stringProblems(template, where, known);
  if (Array.isArray(template)) return template.flatMap((item, i) => templateProblems(item, `${where}[${i}]`, known));
  if (template && typeof template === "object") {
    return Object.entries(template).flatMap(([key, item]) => templateProblems(item, `${where}.${key}`, known));
  }
  return [];
}

function stringProblems(text: string, where: string, known: readonly string[]): string[] {
  const problems: string[] = [];
  let at = text.indexOf("{{");
  while (at >= 0) {
    const close = text.indexOf("}}", at + 2);
    const next = text.indexOf("{{", at + 2);
    if (close < 0 || (next >= 0 && next < close)) {
      const shown = text.slice(at, next >= 0 ? next : undefined).slice(0, 40);
      problems.push(`unclosed placeholder \`${shown}\` in ${where}; close it with \`}}\``);
      at = next;
      continue;
    }
    const name = text.slice(at + 2, close).trim();
    if (!known.includes(name)) {
      const whole = text.slice(at, close + 2);
      const guess = didYouMean(name, known);
      problems.push(
        (PLACEHOLDERS as readonly string[]).includes(name)
          ? `\`${whole}\` cannot go in ${where} (it can hold line breaks)`
          : `unknown placeholder \`${whole}\` in ${where}${guess ? `; did you mean \`{{${guess}}}\`?` : ""}`,
      );
    }
    at = text.indexOf("{{", close + 2);
  }
  return problems;
}

/** The value at a dot path ("a.b.0.c" or "a.b[0].c"); undefined when any step is missing. */
export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const step of path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter(Boolean)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** true, "true", "yes", 1 and the like; objects are a mapping mistake and return undefined. */
function truthy(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return !["", "false", "no", "0", "none", "null"].includes(value.trim().toLowerCase());
  return undefined;
}

/** The conversation as a webhook bot sees it: customer and bot text only, no tool traffic. */
export function visibleHistory(messages: readonly Message[]): { role: "user" | "assistant"; content: string }[] {
  return messages.flatMap((m) => (m.role === "tool" || m.content === "" ? [] : [{ role: m.role, content: m.content }]));
}

/** The customer's messages since the bot last spoke. */
function newestCustomerText(messages: readonly Message[]): string {
  const out: string[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === "assistant" && m.content !== "") break;
    if (m.role === "user") out.unshift(m.content);
  }
  return out.join("\n");
}

/** Fills a JSON template: exact placeholders take the value itself, embedded ones its text. */
export function renderTemplate(
  template: unknown,
  vars: Record<string, unknown>,
  encode: (s: string) => string = (s) => s,
): unknown {
  if (typeof template === "string") {
    const exact = /^\{\{\s*([a-z_]+)\s*\}\}$/.exec(template);
    if (exact && exact[1]! in vars) return vars[exact[1]!];
    return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) => {
      if (!(name in vars)) return whole;
      const value = vars[name];
      return encode(typeof value === "string" ? value : JSON.stringify(value));
    });
  }
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, vars, encode));
  if (template && typeof template === "object") {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderTemplate(v, vars, encode)]));
  }
  return template;
}

/** Refuses a URL that is not http(s) once its placeholders are filled. */
function checkUrl(url: string, where: string): void {
  let protocol: string;
  try {
    protocol = new URL(url.replace(/\{\{[^}]*\}\}/g, "x")).protocol;
  } catch {
    throw new ProviderError("config", `${where}: not a URL`);
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new ProviderError("config", `${where}: not an http:// or https:// URL`);
  }
}

function defaultBody(session: "stateful" | "history"): unknown {
  return session === "stateful"
    ? { session_id: "{{session_id}}", message: "{{message}}", language: "{{language}}" }
    : { session_id: "{{session_id}}", messages: "{{history}}", language: "{{language}}" };
}

function readToolCalls(value: unknown, id: string): ToolCall[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ResponseShapeError(`${id}: the tool calls path does not lead to a list`);
  return value.map((item, i) => {
    const call = (item && typeof item === "object" ? item : {}) as Record<string, unknown>;
    const fn = (call.function && typeof call.function === "object" ? call.function : {}) as Record<string, unknown>;
    const name = call.name ?? call.tool ?? fn.name;
    if (typeof name !== "string" || name === "") throw new ResponseShapeError(`${id}: tool call #${i} has no name`);
    const rawArgs = call.args ?? call.arguments ?? call.input ?? call.parameters ?? fn.arguments ?? {};
    return {
      id: typeof call.id === "string" ? call.id : `${name}-${i}`,
      name,
      args: typeof rawArgs === "string" ? parseToolArguments(rawArgs) : rawArgs,
    };
  });
}

/** Creates a candidate for a bot behind a webhook; headers and URL are resolved from env at once. */
export function createHttpBotCandidate(
  options: HttpBotOptions,
  deps: { env?: NodeJS.ProcessEnv } = {},
): HttpBotCandidate {
  const env = deps.env ?? process.env;
  const parsedOptions = HttpBotOptions.safeParse(options);
  if (!parsedOptions.success) {
    throw new ProviderError("config", `http bot: invalid options: ${z.prettifyError(parsedOptions.error)}`);
  }
  const opts = parsedOptions.data;
  const where = `http bot ${redact(opts.url, env)}`;
  const url = interpolateEnv(opts.url, env, where);
  checkUrl(url, where);
  const id = opts.id ?? httpBotId(opts.url);
  const bodyTemplate = opts.body ?? defaultBody(opts.session);
  // A misspelt or unclosed placeholder would be sent as it is, and the run would pass.
  const headerProblems = Object.entries(opts.headers).flatMap(([name, value]) =>
    templateProblems(value, `headers.${name}`, HEADER_PLACEHOLDERS),
  );
  const problems = [
    ...templateProblems(opts.url, "url"),
    ...headerProblems,
    ...(opts.method !== "GET" ? templateProblems(bodyTemplate, "body") : []),
  ];
  if (problems.length > 0) {
    const list = (names: readonly string[]) => names.map((k) => `{{${k}}}`).join(", ");
    const inHeaders = headerProblems.length > 0 ? ` (headers: ${list(HEADER_PLACEHOLDERS)})` : "";
    throw new ProviderError("config", `${id}: ${problems.join("; ")}; known: ${list(PLACEHOLDERS)}${inHeaders}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.headers)) {
    if (CREDENTIAL_HEADER.test(name) && !value.includes("${env:")) {
      throw new ProviderError(
        "config",
        `${id}: header ${name} must take its secret from the environment, e.g. "Bearer \${env:BOT_TOKEN}"`,
      );
    }
    headers[name.toLowerCase()] = interpolateEnv(value, env, `${id}: header ${name}`);
  }
  if (opts.method !== "GET") headers["content-type"] ??= "application/json";
  headers.accept ??= "application/json";
  const templatedHeaders = Object.entries(headers).filter(([, value]) => value.includes("{{"));
  const mapping = opts.response;
  // Session ids issued by the bot, per conversation; dropped when the conversation ends.
  const issuedSessions = new Map<string, string>();
  const client = createHttpClient();
  const fail = (kind: ProviderError["kind"], message: string) =>
    new ProviderError(kind, redact(`${id}: ${message}`, env));
  // The answer arrived whole but the mapping finds nothing there: the same answer would come again.
  const misfit = (message: string) => new ResponseShapeError(redact(`${id}: ${message}`, env));

  async function respond(req: RespondRequest): Promise<BotTurn> {
    const conversation = req.context.sessionId ?? req.context.conversationId;
    const sessionId = mapping.sessionId ? (issuedSessions.get(conversation) ?? "") : conversation;
    const vars: Record<string, unknown> = {
      message: newestCustomerText(req.messages),
      history: visibleHistory(req.messages),
      session_id: sessionId,
      language: req.context.language,
      scenario_id: req.context.scenarioId,
      conversation_id: conversation,
    };
    const target = String(renderTemplate(url, vars, encodeURIComponent));
    const body = opts.method !== "GET" ? JSON.stringify(renderTemplate(bodyTemplate, vars)) : undefined;
    const sent =
      templatedHeaders.length === 0
        ? headers
        : {
            ...headers,
            ...Object.fromEntries(templatedHeaders.map(([name, value]) => [name, String(renderTemplate(value, vars))])),
          };

    let res: HttpAnswer;
    try {
      res = await client.request(target, { method: opts.method, headers: sent, body, signal: req.signal });
    } catch (err) {
      if (req.signal.aborted) throw req.signal.reason;
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
      throw Object.assign(new NetworkError(redact(`${id}: ${String(err)}${cause}`, env)), { cause: err });
    }
    const { text } = res;
    if (res.status < 200 || res.status > 299) {
      throw errorFromStatus(res.status, redact(`${id}: HTTP ${res.status}: ${text.slice(0, 300)}`, env), res.headers);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw fail("bad_response", `the answer is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
    }

    const turn: BotTurn = {};
    const reply = getPath(json, mapping.text);
    if (typeof reply === "string") {
      if (reply !== "") turn.text = reply;
    } else if (reply !== undefined && reply !== null) {
      throw misfit(`the reply at "${mapping.text}" is not text`);
    }
    for (const [field, path] of [
      ["handoff", mapping.handoff],
      ["end", mapping.end],
    ] as const) {
      if (!path) continue;
      const flag = truthy(getPath(json, path));
      if (flag === undefined) throw fail("config", `"${path}" leads to an object or list; point ${field} at a boolean`);
      if (!flag) continue;
      if (field === "end") turn.end = true;
      else {
        const reason = mapping.handoffReason ? getPath(json, mapping.handoffReason) : undefined;
        const summary = mapping.handoffSummary ? getPath(json, mapping.handoffSummary) : undefined;
        turn.handoff = {
          reason: typeof reason === "string" && reason !== "" ? reason : "unspecified",
          summary: typeof summary === "string" ? summary : "",
        };
      }
    }
    if (mapping.toolCalls) {
      const calls = readToolCalls(getPath(json, mapping.toolCalls), id);
      if (calls.length > 0) turn.toolCalls = calls;
    }
    if (turn.text === undefined && !turn.handoff && !turn.end && !turn.toolCalls) {
      throw misfit(`no reply text at "${mapping.text}"`);
    }
    if (mapping.sessionId) {
      const issued = getPath(json, mapping.sessionId);
      if (typeof issued === "string" && issued !== "") issuedSessions.set(conversation, issued);
    }
    if (turn.end || turn.handoff) issuedSessions.delete(conversation);
    return turn;
  }

  return {
    id,
    runsOwnTools: true,
    stateful: opts.session === "stateful",
    respond,
    close: async () => client.close(),
  };
}
