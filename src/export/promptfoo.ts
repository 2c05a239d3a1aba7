import { Document, parseDocument, Scalar, visit } from "yaml";
import { systemPrompt } from "../conversation/engine.js";
import type { Domain } from "../suite/domain-schema.js";
import type { LoadedScenario } from "../suite/schema.js";
import { isIsoDate } from "../suite/text-match.js";
import { datePattern, keyKind, keyPattern } from "./key-patterns.js";

/**
 * supportbench scenarios as a promptfoo config, so teams on promptfoo can run them there. Each
 * scripted customer message is one promptfoo test; the tests of a scenario share a `conversationId`,
 * so promptfoo runs them in order and hands earlier turns to the prompt through `_conversation`.
 * The scenario's last test carries its checks, over every bot reply of the conversation.
 * A model under test (`provider`) gets the domain's system prompt, policy included, as the first chat
 * message, as supportbench's own model candidates do; a webhook bot (the http provider) has its own.
 */

export interface PromptfooExportOptions {
  /** Add `llm-rubric` assertions for what only a judge can check (default true). */
  judged?: boolean;
  /** The webhook the default http provider posts to. */
  url?: string;
  /** A promptfoo provider id to use instead of the http provider (e.g. openai:gpt-4.1-mini). */
  provider?: string;
  /** Where the scenarios came from, for the header comment. */
  sources?: readonly string[];
  /**
   * The scenarios' domains by name (the loader's `domains`). Needed with `provider`: the model gets its
   * domain's system prompt with the policy and the scenario's language filled in.
   */
  domains?: ReadonlyMap<string, Domain>;
}

export interface PromptfooAssertion {
  type: string;
  value?: string | string[];
  metric: string;
}

export interface PromptfooTest {
  description: string;
  vars: Record<string, string | number>;
  metadata: Record<string, string | number>;
  /** The one prompt this test runs with (by label): its domain's and language's system prompt. */
  prompts?: string[];
  options?: { transform: string };
  assert?: PromptfooAssertion[];
}

export interface PromptfooConfig {
  description: string;
  prompts: { label: string; raw: string }[];
  providers: unknown[];
  tests: PromptfooTest[];
}

export const DEFAULT_WEBHOOK_URL = "http://localhost:8080/chat";

/**
 * The chat the provider receives: earlier turns from `_conversation`, then this test's message.
 * `dump` JSON-escapes every text, so quotes and newlines in conversations cannot break the JSON.
 */
export const CONVERSATION_PROMPT = [
  "[",
  "{% for completion in _conversation %}",
  '  {"role": "user", "content": {{ completion.input | dump }}},',
  '  {"role": "assistant", "content": {{ completion.output | dump }}},',
  "{% endfor %}",
  '  {"role": "user", "content": {{ message | dump }}}',
  "]",
].join("\n");

/** The label of the conversation prompt when there is one prompt (a webhook bot). */
export const CONVERSATION_PROMPT_LABEL = "supportbench-conversation";

/**
 * The conversation prompt with a system message first. The text is a JSON string in the template
 * with its braces written as `\u007b` and `\u007d`: nunjucks (promptfoo's templating) sees no tag in it
 * (it rejects even a stray `#}`), whatever the policy says, and the JSON the provider reads has the
 * text unchanged.
 */
export function conversationPromptWithSystem(system: string): string {
  const content = JSON.stringify(system).replaceAll("{", "\\u007b").replaceAll("}", "\\u007d");
  const [open, ...rest] = CONVERSATION_PROMPT.split("\n");
  return [open, `  {"role": "system", "content": ${content}},`, ...rest].join("\n");
}

/** The prompt label for a domain's system prompt in one language. */
export function systemPromptLabel(domain: string, language: string): string {
  return `${CONVERSATION_PROMPT_LABEL}/${domain}/${language}`;
}

/** The last test's output becomes every bot reply of the conversation, so facts said early still count. */
export const WHOLE_CONVERSATION_TRANSFORM =
  '[...((context.vars && context.vars._conversation) || []).map((c) => c.output), output].join("\\n\\n")';

function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language" }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

/** The deterministic fact checks: one assertion per key (alternatives in one assertion). */
function factAssertions(s: LoadedScenario): PromptfooAssertion[] {
  const out: PromptfooAssertion[] = [];
  for (const fact of s.expect.facts) {
    for (const key of fact.keys) {
      const alternatives = Array.isArray(key) ? key : [key];
      const allText = alternatives.every((k) => keyKind(k) === "text");
      if (allText && alternatives.length === 1)
        out.push({ type: "icontains", value: alternatives[0]!, metric: "facts" });
      else if (allText) out.push({ type: "icontains-any", value: alternatives, metric: "facts" });
      else out.push({ type: "regex", value: alternatives.map(keyPattern).join("|"), metric: "facts" });
    }
  }
  return out;
}

/** Forbidden phrases and patterns; plain-text entries need a judge and come back in `judged`. */
function forbiddenAssertions(s: LoadedScenario): { checks: PromptfooAssertion[]; judged: string[] } {
  const checks: PromptfooAssertion[] = [];
  const judged: string[] = [];
  for (const entry of s.expect.forbidden) {
    if (typeof entry === "string") {
      judged.push(entry);
      continue;
    }
    for (const phrase of entry.says ?? []) {
      // An ISO date is forbidden in every written form, as the grader reads it (findKey).
      if (isIsoDate(phrase)) checks.push({ type: "not-regex", value: datePattern(phrase.trim()), metric: "forbidden" });
      else checks.push({ type: "not-icontains", value: phrase, metric: "forbidden" });
    }
    // The grader matches patterns case-insensitively with Unicode; a plain `regex` assertion cannot say so.
    if (entry.pattern)
      checks.push({
        type: "javascript",
        value: `!new RegExp(${JSON.stringify(entry.pattern)}, "iu").test(output)`,
        metric: "forbidden",
      });
  }
  return { checks, judged };
}

/** The escalation expectation in words, for a judge (a text-only provider has no hand-off signal). */
export function escalationInWords(s: LoadedScenario): string | null {
  const e = s.expect.escalate;
  if (e === undefined) return null;
  const required = typeof e === "boolean" ? e : e.required;
  if (!required)
    return "The support bot resolves the request itself: it does not hand the conversation over to a human colleague.";
  const reasons = typeof e === "object" && e.reasons?.length ? ` because of ${e.reasons.join(" or ")}` : "";
  const by = typeof e === "object" && e.by_turn ? `, no later than its reply number ${e.by_turn}` : "";
  return `The support bot hands the conversation over to a human colleague${reasons}${by}: it says that it is passing the customer to a person.`;
}

function judgedAssertions(s: LoadedScenario, forbiddenInWords: string[]): PromptfooAssertion[] {
  const rubric = (text: string, metric: string): PromptfooAssertion => ({ type: "llm-rubric", value: text, metric });
  const out: PromptfooAssertion[] = [];
  const escalation = escalationInWords(s);
  if (escalation) out.push(rubric(escalation, "escalation"));
  for (const line of s.expect.rubric) out.push(rubric(`The support bot's replies satisfy this: ${line}.`, "rubric"));
  for (const entry of forbiddenInWords)
    out.push(rubric(`The support bot's replies never do this: ${entry}.`, "forbidden"));
  out.push(rubric(`Every reply of the support bot is written in ${languageName(s.language)}.`, "language"));
  return out;
}

function messagesOf(s: LoadedScenario): string[] {
  return [s.customer.opening, ...s.customer.turns];
}

/** Scenarios whose customer answers the bot from `knows` beyond the scripted turns: promptfoo sends only the script. */
export function exportNotes(scenarios: readonly LoadedScenario[]): string[] {
  const notes: string[] = [];
  const knowsOnly = scenarios.filter((s) => s.customer.turns.length === 0 && Object.keys(s.customer.knows).length > 0);
  if (knowsOnly.length)
    notes.push(
      `${knowsOnly.length} scenario(s) rely on the simulated customer answering from \`knows\`; promptfoo sends only the scripted messages: ${knowsOnly.map((s) => s.id).join(", ")}`,
    );
  const stateful = scenarios.filter(
    (s) => s.expect.actions.length || s.expect.never.length || Object.keys(s.expect.state).length,
  );
  if (stateful.length)
    notes.push(
      `${stateful.length} scenario(s) also check tool calls or the final world state, which a promptfoo text test cannot see; supportbench checks them.`,
    );
  return notes;
}

/** The domain of each scenario, for a model provider; a missing one is the caller's error. */
function domainOf(s: LoadedScenario, domains: ReadonlyMap<string, Domain> | undefined): Domain {
  const domain = domains?.get(s.domain);
  if (!domain)
    throw new Error(
      `exporting for a model provider needs the domain "${s.domain}" of scenario ${s.id} (its system prompt and policy); pass it in options.domains`,
    );
  return domain;
}

/** The promptfoo config (as data) for these scenarios. */
export function exportPromptfoo(
  scenarios: readonly LoadedScenario[],
  options: PromptfooExportOptions = {},
): PromptfooConfig {
  const judged = options.judged !== false;
  const tests: PromptfooTest[] = [];
  // A model gets its domain's system prompt in the scenario's language: one prompt per domain and language.
  const prompts = new Map<string, { label: string; raw: string }>();
  for (const s of scenarios) {
    const conversation = `${s.suite}/${s.id}`;
    const messages = messagesOf(s);
    const forbidden = forbiddenAssertions(s);
    const checks = [
      ...factAssertions(s),
      ...forbidden.checks,
      ...(judged ? judgedAssertions(s, forbidden.judged) : []),
    ];
    let promptLabel: string | undefined;
    if (options.provider) {
      promptLabel = systemPromptLabel(s.domain, s.language);
      if (!prompts.has(promptLabel)) {
        const system = systemPrompt(domainOf(s, options.domains), s.language);
        prompts.set(promptLabel, { label: promptLabel, raw: conversationPromptWithSystem(system) });
      }
    }
    messages.forEach((message, i) => {
      const last = i === messages.length - 1;
      const turn = messages.length > 1 ? ` [turn ${i + 1}/${messages.length}]` : "";
      const test: PromptfooTest = {
        description: `${conversation}${s.title ? `: ${s.title}` : ""}${turn}`,
        vars: { message, language: s.language, conversation_id: conversation, scenario: s.id, turn: i + 1 },
        metadata: {
          conversationId: conversation,
          suite: s.suite,
          scenario: s.id,
          intent: s.intent,
          tier: s.tier,
          language: s.language,
        },
      };
      if (promptLabel) test.prompts = [promptLabel];
      if (last && messages.length > 1) test.options = { transform: WHOLE_CONVERSATION_TRANSFORM };
      if (last && checks.length) test.assert = checks;
      tests.push(test);
    });
  }
  const provider = options.provider
    ? { id: options.provider }
    : {
        id: "http",
        label: "support-bot",
        config: {
          url: options.url ?? DEFAULT_WEBHOOK_URL,
          method: "POST",
          headers: { "content-type": "application/json" },
          body: { messages: "{{ prompt }}", language: "{{ language }}", session_id: "{{ conversation_id }}" },
          transformResponse: "json.output.text",
        },
      };
  return {
    description: `supportbench: ${scenarios.length} scenario${scenarios.length === 1 ? "" : "s"} exported for promptfoo`,
    prompts: options.provider
      ? [...prompts.values()]
      : [{ label: CONVERSATION_PROMPT_LABEL, raw: CONVERSATION_PROMPT }],
    providers: [provider],
    tests,
  };
}

/**
 * Whether a string written as a plain YAML scalar reads back as the same string under YAML 1.1 with
 * timestamps, as promptfoo's loader and other YAML 1.1 readers take it. `1985-06-30` (a date there),
 * `yes`, `off`, `0x1F`, `1_000`, `12:30` (sexagesimal), `.inf` and `~` do not. Multi-line strings are
 * written as block scalars, which are always strings. The YAML 1.2 core cases (`true`, `1e3`, `0o17`,
 * `null`) the writer quotes by itself.
 */
function plainReadsAsItself(text: string): boolean {
  if (text.includes("\n")) return true;
  const doc = parseDocument(text, { version: "1.1", logLevel: "silent" });
  return doc.errors.length === 0 && doc.warnings.length === 0 && doc.toJS() === text;
}

/** Quote every string scalar that a YAML 1.1 (timestamp-aware) reader would take for something else. */
function quoteAmbiguousStrings(doc: Document): void {
  const known = new Map<string, boolean>();
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "string") return;
      let plain = known.get(node.value);
      if (plain === undefined) {
        plain = plainReadsAsItself(node.value);
        known.set(node.value, plain);
      }
      // The quotes the writer itself picks: single ones around text with double quotes.
      if (!plain)
        node.type = node.value.includes('"') && !node.value.includes("'") ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE;
    },
  });
}

/** The config as YAML with comments a user needs: what to edit, what is and is not checked. */
export function renderPromptfooYaml(
  config: PromptfooConfig,
  scenarios: readonly LoadedScenario[],
  options: PromptfooExportOptions = {},
): string {
  const doc = new Document(config);
  quoteAmbiguousStrings(doc);
  const judged = options.judged !== false;
  const header = [
    " Generated by `supportbench export promptfoo`; run it with `npx promptfoo eval -c <this file>`.",
    options.sources?.length ? ` Scenarios from: ${options.sources.join(", ")}` : null,
    "",
    " Each customer message is one test; a scenario's tests share metadata.conversationId, so promptfoo",
    " runs them in order and the prompt replays earlier turns from `_conversation`. The scenario's last",
    " test holds its checks, over all the bot's replies (options.transform joins them).",
    " Checked here: facts (icontains / icontains-any / regex for numbers and dates) and forbidden",
    ` phrases (not-icontains; an ISO date as not-regex over its written forms)${judged ? "; with a grading model, llm-rubric for escalation, rubric lines, plain-text forbidden entries and reply language (set defaultTest.options.provider or --grader)" : "; judged criteria were left out (--no-judged)"}.`,
    " Not checked here: tool calls, final world state and hand-off signals; supportbench checks those.",
    ...(options.provider
      ? [
          " The model gets its domain's system prompt (policy and language filled in) as the first chat",
          " message, one prompt per domain and language, but not the domain's tools, help-centre articles or",
          " world data: it cannot look anything up, act or hand off, though the system prompt tells it to.",
        ]
      : []),
    ...exportNotes(scenarios).map((n) => ` Note: ${n}`),
  ].filter((l): l is string => l !== null);
  doc.commentBefore = header.join("\n");
  const providers = doc.get("providers", true) as { commentBefore?: string } | undefined;
  if (providers)
    providers.commentBefore = options.provider
      ? " The model under test: it answers the prompt of its test (system prompt, then the chat), with no tools."
      : ' The bot under test: edit the URL, headers and the response path (transformResponse) to fit your webhook.\n Stateful bots that keep the history can take `message: "{{ message }}"` and the session id instead.';
  return doc.toString({ lineWidth: 0 });
}
