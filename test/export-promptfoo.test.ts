import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Document, type DocumentOptions, type ParseOptions, parse, type SchemaOptions } from "yaml";
import { z } from "zod";
import { systemPrompt } from "../src/conversation/engine.js";
import { datePattern, keyKind, keyPattern, numberPattern } from "../src/export/key-patterns.js";
import {
  CONVERSATION_PROMPT,
  CONVERSATION_PROMPT_LABEL,
  conversationPromptWithSystem,
  escalationInWords,
  exportPromptfoo,
  type PromptfooConfig,
  type PromptfooExportOptions,
  renderPromptfooYaml,
  systemPromptLabel,
  WHOLE_CONVERSATION_TRANSFORM,
} from "../src/export/promptfoo.js";
import type { Domain } from "../src/suite/domain-schema.js";
import { type LoadResult, loadSuites } from "../src/suite/load.js";
import type { LoadedScenario } from "../src/suite/schema.js";
import { findKey } from "../src/suite/text-match.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { startOpenAIServer } from "./servers/openai-server.js";
import { type HistoryMessage, startWebhookBotServer, type WebhookBotServer } from "./servers/webhook-bot.js";

const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-export-"));

const DOMAINS_DIR = path.join(ROOT, "datasets/domains");

/** The bundled suites, as the CLI loads them. */
async function loadBundled(globs: string[]): Promise<LoadResult> {
  const loaded = await loadSuites(globs, { cwd: ROOT, domainsDir: DOMAINS_DIR });
  expect(loaded.problems).toEqual([]);
  return loaded;
}

function scenarioById(loaded: LoadResult, id: string): LoadedScenario {
  const s = loaded.scenarios.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}

/** How YAML readers take a file: promptfoo's is YAML 1.2 core with timestamps; older ones are YAML 1.1. */
const READERS: { name: string; options: ParseOptions & DocumentOptions & SchemaOptions }[] = [
  { name: "YAML 1.1 (timestamps, yes/no, sexagesimal, 0x, 1_000)", options: { version: "1.1" } },
  { name: "YAML 1.2 core with timestamps", options: { customTags: ["timestamp"] } },
  { name: "YAML 1.2 core", options: {} },
];

/** Where `actual` (as read back) is not `expected` (as exported): paths with what came back. */
function mismatches(expected: unknown, actual: unknown, at = "$"): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${at}: ${JSON.stringify(actual)}`];
    return expected.flatMap((e, i) => mismatches(e, actual[i], `${at}[${i}]`));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual) || actual instanceof Date)
      return [`${at}: ${actual instanceof Date ? `Date ${actual.toISOString()}` : JSON.stringify(actual)}`];
    const got = actual as Record<string, unknown>;
    const want = Object.entries(expected).filter(([, v]) => v !== undefined);
    const extra = Object.keys(got).filter((k) => !want.some(([w]) => w === k));
    return [
      ...want.flatMap(([k, v]) => mismatches(v, got[k], `${at}.${k}`)),
      ...extra.map((k) => `${at}.${k}: unexpected`),
    ];
  }
  if (actual === expected) return [];
  const shown = actual instanceof Date ? `Date ${actual.toISOString()}` : `${typeof actual} ${JSON.stringify(actual)}`;
  return [`${at}: ${shown}, not ${JSON.stringify(expected)}`];
}

/** What `promptfoo eval -o results.json` writes, as far as these tests read it. */
const EvalResults = z.object({
  results: z.object({
    stats: z.object({ successes: z.number(), failures: z.number(), errors: z.number() }),
    results: z.array(
      z.object({
        success: z.boolean(),
        error: z.string().nullish(),
        response: z.object({ output: z.unknown() }).nullish(),
        prompt: z.object({ label: z.string() }),
        testCase: z.object({ description: z.string() }),
        gradingResult: z
          .object({
            componentResults: z
              .array(
                z.object({
                  pass: z.boolean(),
                  assertion: z.object({ type: z.string(), value: z.unknown() }).nullish(),
                }),
              )
              .optional(),
          })
          .nullish(),
      }),
    ),
  }),
});
type EvalResults = z.infer<typeof EvalResults>;

/** Run the real promptfoo on a config in `dir`, with telemetry, updates, remote generation and caches off. */
async function promptfooEval(
  dir: string,
  configFile: string,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; log: string; results: EvalResults }> {
  const home = tmp();
  const env = {
    ...process.env,
    HOME: home,
    PROMPTFOO_CONFIG_DIR: path.join(home, "promptfoo-config"),
    PROMPTFOO_DISABLE_TELEMETRY: "1",
    PROMPTFOO_DISABLE_UPDATE: "1",
    PROMPTFOO_DISABLE_REMOTE_GENERATION: "true",
    PROMPTFOO_CACHE_ENABLED: "false",
    NO_COLOR: "1",
    ...extraEnv,
  };
  const bin = path.join(ROOT, "node_modules/.bin/promptfoo");
  const args = ["eval", "-c", configFile, "-o", "results.json", "--no-cache", "--no-table"];
  const run = await promisify(execFile)(bin, [...args, "--no-progress-bar", "-j", "2"], { cwd: dir, env }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? 1,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
  const log = `${run.stdout}\n${run.stderr}`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8"));
  } catch (err) {
    throw new Error(`promptfoo wrote no results (exit ${run.code}): ${(err as Error).message}\n${log}`);
  }
  return { code: run.code, log, results: EvalResults.parse(raw) };
}

const SUITE = `suite: mini
domain: fjordpay
defaults: { language: en }
scenarios:
  - id: refund-timing
    title: How long a refund takes
    intent: refund.status
    tier: 1
    customer:
      opening: "How long until I get my money back after a return?"
    expect:
      escalate: false
      facts:
        - { claim: "Refund within 5 business days of the merchant's confirmation", keys: ["5", ["business days", "working days"], "confirm"] }
      forbidden:
        - { claim: "Promises a date", says: ["refund tomorrow"] }
        - "invents a fee"
      rubric: ["explains that the merchant confirms first"]
  - id: extension
    title: Move an installment
    intent: payment.extension
    tier: 2
    customer:
      opening: "Can I move my payment that's due on the 24th?"
      turns: ["My date of birth is 08/05/1990, postcode NE1 4XF"]
    expect:
      escalate: false
      facts:
        - { claim: "Now due on 8 December 2026", keys: ["2026-12-08"] }
        - { claim: "Free of charge", keys: [["free of charge", "no fee"]] }
        - { claim: "The amount is 1,250.00 GBP", keys: ["1250.00"] }
      forbidden:
        - { claim: "Guarantees more", pattern: "guarantee[ds]?" }
  - id: careless
    title: A bot that promises too much
    intent: refund.status
    tier: 1
    customer:
      opening: "Where is my refund?"
    expect:
      escalate: { required: true, reasons: [complaint], by_turn: 2 }
      facts:
        - { claim: "Refund within 5 business days", keys: ["5"] }
      forbidden:
        - { claim: "Promises a date", says: ["refund tomorrow"] }
        - { claim: "Guarantees", pattern: "guarantee[ds]?" }
`;

/** The scripted bot: replies by conversation, and keeps what it was sent. */
function reply(sessionId: string, history: HistoryMessage[]): string {
  if (sessionId === "mini/refund-timing")
    return "Once the shop confirms your return, the refund reaches you within 5 business days.";
  if (sessionId === "mini/extension") {
    // The fee fact comes in the first reply, the date and amount in the second: only the whole conversation has all.
    return history.length === 1
      ? "Yes, moving it is free of charge. First, your date of birth and postcode please."
      : "Thanks, you're verified. The £1.250,00 installment is now due on 08/12/2026.";
  }
  return "Your refund tomorrow is GUARANTEED, do not worry.";
}

describe("fact keys as regular expressions", () => {
  it("read numbers and dates the way the facts grader does", () => {
    const keys = ["5", "49.99", "42.00", "1250", "1234.5", "2026-12-08", "2026-01-05"];
    const texts = [
      "within 5 business days",
      "in 25 days",
      "5.5 percent",
      "paid 5,00 EUR",
      "49,99 €",
      "€49.99",
      "499.9",
      "£42",
      "42.0",
      "42.01",
      "1.250,00 kr",
      "1,250",
      "1 250",
      "12500",
      "1.234,50",
      "1,234.5",
      "due 08/12/2026",
      "due 8.12.26",
      "12/8/2026",
      "2026-12-08",
      "2026年12月8日",
      "2026년 12월 8일",
      "118/12/2026",
      "08/12/20261",
      "5 January 2026",
      "05.01.2026",
      "2026-1-5",
    ];
    for (const key of keys) {
      const re = new RegExp(keyPattern(key));
      for (const text of texts) expect(re.test(text), `${key} in "${text}"`).toBe(findKey(text, key) !== null);
    }
  });

  it("tell text from numbers and dates", () => {
    expect(keyKind("5")).toBe("number");
    expect(keyKind("2026-12-08")).toBe("date");
    expect(keyKind("EH9 1HL")).toBe("text");
    expect(new RegExp(numberPattern("-3")).test("a balance of -3.00")).toBe(true);
    expect(() => datePattern("08/12/2026")).toThrow();
  });
});

describe("exportPromptfoo", () => {
  it("makes one test per customer message, grouped by conversation, with the checks on the last", async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, "suites"));
    writeFileSync(path.join(dir, "suites/mini.yaml"), SUITE);
    const r = await runCli(["export", "promptfoo", "suites/mini.yaml", "--out", "pf.yaml"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote pf\.yaml: 3 scenarios as 4 promptfoo tests/);
    const text = readFileSync(path.join(dir, "pf.yaml"), "utf8");
    expect(text).toMatch(/^# Generated by `supportbench export promptfoo`/);
    const config = parse(text) as PromptfooConfig;
    expect(config.prompts[0]!.raw).toBe(CONVERSATION_PROMPT);
    expect(config.providers[0]).toMatchObject({ id: "http", config: { transformResponse: "json.output.text" } });
    const [single, first, last] = config.tests;
    expect(single!.metadata.conversationId).toBe("mini/refund-timing");
    expect(single!.options).toBeUndefined();
    expect(single!.assert!.map((a) => `${a.type}:${a.metric}`)).toEqual([
      "regex:facts",
      "icontains-any:facts",
      "icontains:facts",
      "not-icontains:forbidden",
      "llm-rubric:escalation",
      "llm-rubric:rubric",
      "llm-rubric:forbidden",
      "llm-rubric:language",
    ]);
    expect(single!.assert!.find((a) => a.type === "llm-rubric" && a.metric === "forbidden")!.value).toMatch(
      /never do this: invents a fee/,
    );
    expect(single!.assert!.at(-1)!.value).toMatch(/written in English \(en\)/);
    expect([first!.metadata.conversationId, last!.metadata.conversationId]).toEqual([
      "mini/extension",
      "mini/extension",
    ]);
    expect([first!.vars.turn, last!.vars.turn]).toEqual([1, 2]);
    expect(first!.assert).toBeUndefined();
    expect(last!.options).toEqual({ transform: WHOLE_CONVERSATION_TRANSFORM });
    expect(last!.vars.message).toBe("My date of birth is 08/05/1990, postcode NE1 4XF");

    const plain = await runCli(["export", "promptfoo", "suites/mini.yaml", "--out", "p2.yaml", "--no-judged"], {
      cwd: dir,
    });
    expect(plain.code).toBe(0);
    const noJudge = parse(readFileSync(path.join(dir, "p2.yaml"), "utf8")) as PromptfooConfig;
    expect(noJudge.tests.flatMap((t) => t.assert ?? []).some((a) => a.type === "llm-rubric")).toBe(false);
  });

  it("puts escalation expectations into words", () => {
    const base = exportPromptfoo([]);
    expect(base.tests).toEqual([]);
    const s = (escalate: unknown) => ({ expect: { escalate } }) as unknown as Parameters<typeof escalationInWords>[0];
    expect(escalationInWords(s(undefined))).toBeNull();
    expect(escalationInWords(s(false))).toMatch(/does not hand the conversation over/);
    expect(escalationInWords(s({ required: true, reasons: ["fraud"], by_turn: 1 }))).toMatch(
      /hands the conversation over to a human colleague because of fraud, no later than its reply number 1/,
    );
  });

  it("gives a model provider its domain's system prompt per language, and a webhook bot none", async () => {
    const loaded = await loadBundled(["suites/en.yaml", "suites/de.yaml"]);
    const domain = loaded.domains.get("fjordpay")!;
    const model = exportPromptfoo(loaded.scenarios, { provider: "openai:chat:gpt-4.1-mini", domains: loaded.domains });
    // Suites load in file order: de.yaml, then en.yaml.
    const labels = [systemPromptLabel("fjordpay", "de"), systemPromptLabel("fjordpay", "en")];
    expect(model.prompts.map((p) => p.label)).toEqual(labels);
    expect(model.prompts[0]!.raw).toBe(conversationPromptWithSystem(systemPrompt(domain, "de")));
    // Each test runs with its own language's prompt only.
    for (const t of model.tests) expect(t.prompts).toEqual([systemPromptLabel("fjordpay", String(t.vars.language))]);
    expect(new Set(model.tests.map((t) => t.vars.language))).toEqual(new Set(["en", "de"]));

    const text = renderPromptfooYaml(model, loaded.scenarios, { provider: "openai:chat:gpt-4.1-mini" });
    expect(text).toMatch(/system prompt \(policy and language filled in\) as the first chat\n# message/);
    expect(text).toMatch(/not the domain's tools/);

    const bot = exportPromptfoo(loaded.scenarios, { url: "http://127.0.0.1:1/chat", domains: loaded.domains });
    expect(bot.prompts).toEqual([{ label: CONVERSATION_PROMPT_LABEL, raw: CONVERSATION_PROMPT }]);
    expect(bot.tests.every((t) => t.prompts === undefined)).toBe(true);
    expect(renderPromptfooYaml(bot, loaded.scenarios, {})).not.toMatch(/system prompt/);
  });

  it("will not export for a model provider without the scenarios' domains", async () => {
    const loaded = await loadBundled(["suites/en.yaml"]);
    expect(() => exportPromptfoo(loaded.scenarios, { provider: "openai:chat:gpt-4.1-mini" })).toThrow(
      /needs the domain "fjordpay" of scenario en-/,
    );
    expect(() =>
      exportPromptfoo(loaded.scenarios, { provider: "openai:chat:gpt-4.1-mini", domains: new Map() }),
    ).toThrow(/needs the domain "fjordpay"/);
  });

  it("writes the system text so that neither JSON nor nunjucks can change it", () => {
    const system = 'Say "hi" \\ {{ message }} {% if x %}{# note #}{%- raw %}\n\tend }} {\u2028';
    const raw = conversationPromptWithSystem(system);
    const line = raw.split("\n")[1]!;
    const head = '  {"role": "system", "content": ';
    expect(line.startsWith(head) && line.endsWith("},")).toBe(true);
    expect(line.slice(head.length, -2)).not.toMatch(/[{}]/);
    // What the template turns into when it is rendered without a conversation, read as JSON.
    const rendered = raw
      .replace(/\{% for [\s\S]*?\{% endfor %\}\n/, "")
      .replace("{{ message | dump }}", JSON.stringify("Hello"));
    expect(JSON.parse(rendered)).toEqual([
      { role: "system", content: system },
      { role: "user", content: "Hello" },
    ]);
  });

  it("exits 2 on a suite that does not load", async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, "suites"));
    writeFileSync(path.join(dir, "suites/bad.yaml"), "suite: bad\ndomain: fjordpay\nscenarios: []\n");
    const r = await runCli(["export", "promptfoo", "suites/bad.yaml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+/);
  });
});

describe("promptfoo eval on an export, against a webhook bot", () => {
  let server: WebhookBotServer;
  const seen: { session: string; history: HistoryMessage[] }[] = [];
  beforeAll(async () => {
    server = await startWebhookBotServer({
      mode: "stateless",
      script: (turn) => {
        seen.push({ session: turn.sessionId, history: turn.history });
        return { text: reply(turn.sessionId, turn.history) };
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("runs every test and the string assertions come out as the bot's replies deserve", {
    timeout: 180_000,
  }, async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, "suites"));
    writeFileSync(path.join(dir, "suites/mini.yaml"), SUITE);
    const exported = await runCli(
      [
        "export",
        "promptfoo",
        "suites/mini.yaml",
        "--no-judged",
        "--url",
        server.endpoint,
        "--out",
        "promptfooconfig.yaml",
      ],
      { cwd: dir },
    );
    expect(exported.code).toBe(0);
    const { code, log, results: out } = await promptfooEval(dir, "promptfooconfig.yaml");
    // promptfoo exits non-zero when any test fails, and one scenario is built to fail.
    expect(code, log).not.toBe(0);
    const results = out.results.results;
    expect(results).toHaveLength(4);
    // No provider or transform errors: one test fails on its assertions, as built to.
    expect(out.results.stats).toMatchObject({ successes: 3, failures: 1, errors: 0 });
    const byName = (s: string) => results.find((r) => r.testCase.description.includes(s))!;

    const timing = byName("mini/refund-timing");
    expect(timing.success).toBe(true);
    expect(timing.gradingResult!.componentResults!.map((c) => c.pass)).toEqual([true, true, true, true]);

    // The second turn saw the first exchange, and its checks read both replies.
    const second = seen.find((s) => s.session === "mini/extension" && s.history.length === 3)!;
    expect(second.history.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(second.history[1]!.content).toMatch(/free of charge/);
    const ext = byName("mini/extension: Move an installment [turn 2/2]");
    expect(ext.response!.output).toMatch(/free of charge[\s\S]*08\/12\/2026/);
    expect(ext.success).toBe(true);
    expect(ext.gradingResult!.componentResults!.map((c) => [c.assertion!.type, c.pass])).toEqual([
      ["regex", true],
      ["icontains-any", true],
      ["regex", true],
      ["javascript", true],
    ]);
    expect(byName("mini/extension: Move an installment [turn 1/2]").success).toBe(true);

    const careless = byName("mini/careless");
    expect(careless.success).toBe(false);
    expect(careless.gradingResult!.componentResults!.map((c) => [c.assertion!.type, c.pass])).toEqual([
      ["regex", false],
      ["not-icontains", false],
      ["javascript", false],
    ]);
  });
});

describe("the export as YAML readers read it", () => {
  const TRICKY = [
    "1985-06-30",
    "2026-1-5",
    "2001-12-14t21:59:43.10-05:00",
    "2026-12-08 10:00:00",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "~",
    "null",
    "NULL",
    "true",
    "0x1F",
    "0o17",
    "0b101",
    "0777",
    "1_000",
    "1e3",
    "+12",
    "-.5",
    ".inf",
    "-.INF",
    ".NaN",
    "8:00",
    "190:20:30",
    "<<",
    "=",
    "",
    " padded ",
    "a: b",
    'say: "hi"',
    "it's: 'x'",
    "#hash",
    "- dash",
    "[x]",
    "!tag x",
    "%x",
    "---",
    "...",
    "EH9 1HL",
    "30/06/1985",
  ];

  it("reads back tricky strings as the same strings", () => {
    const config: PromptfooConfig = {
      description: "tricky",
      prompts: [{ label: "p", raw: CONVERSATION_PROMPT }],
      providers: [{ id: "echo" }],
      tests: TRICKY.map((value, i) => ({
        description: value,
        vars: { message: value, turn: i },
        metadata: { conversationId: value },
        assert: [
          { type: "not-icontains", value, metric: "forbidden" },
          { type: "icontains-any", value: [value, value], metric: "facts" },
        ],
      })),
    };
    const text = renderPromptfooYaml(config, [], {});
    for (const reader of READERS) expect(mismatches(config, parse(text, reader.options)), reader.name).toEqual([]);
    expect(text).toContain('value: "1985-06-30"');
    expect(text).toContain("value: EH9 1HL");
    // The unquoted writing this replaces: a YAML 1.1 reader takes dates, yes, 0x1F and 8:00 for other things.
    const before = mismatches(config, parse(new Document(config).toString({ lineWidth: 0 }), { version: "1.1" }));
    expect(before).toContain('$.tests[0].assert[0].value: Date 1985-06-30T00:00:00.000Z, not "1985-06-30"');
    expect(before).toContain('$.tests[4].vars.message: boolean true, not "yes"');
    expect(before).toContain('$.tests[24].assert[0].value: number 480, not "8:00"');
  });

  it("reads back every string of every bundled suite's export as that string", { timeout: 120_000 }, async () => {
    const loaded = await loadBundled(["suites/*.yaml"]);
    expect(loaded.suites.length).toBeGreaterThanOrEqual(39);
    const variants: PromptfooExportOptions[] = [
      { url: "http://127.0.0.1:8080/chat" },
      { provider: "openai:chat:gpt-4.1-mini", domains: loaded.domains, judged: false },
    ];
    for (const options of variants) {
      const config = exportPromptfoo(loaded.scenarios, options);
      const text = renderPromptfooYaml(config, loaded.scenarios, options);
      for (const reader of READERS) {
        const back = mismatches(config, parse(text, reader.options));
        expect(back, `${reader.name}, ${options.provider ?? "http"}`).toEqual([]);
      }
      // The suites do hold strings a YAML 1.1 reader takes for something else (times such as
      // 8:00 read as numbers): the old writing got them wrong.
      const unquoted = parse(new Document(config).toString({ lineWidth: 0 }), { version: "1.1" });
      expect(mismatches(config, unquoted).length).toBeGreaterThan(0);
    }
  });
});

describe("promptfoo eval on the bundled English suite, with a date among the forbidden phrases", () => {
  let server: WebhookBotServer;
  beforeAll(async () => {
    server = await startWebhookBotServer({
      mode: "stateless",
      script: (turn) => {
        if (turn.sessionId !== "fjordpay-en/en-address-change-moved-to-edinburgh")
          return { text: "Let me check that for you." };
        const replies = [
          "Happy to help. Please tell me your email, date of birth and current postcode.",
          // Reads the date of birth back, in ISO form: the export's forbidden phrase "1985-06-30".
          "Thanks Thomas, I found you, born 1985-06-30. What is the new address?",
          "Done: your address is now Flat 3, 14 Marchmont Crescent, Edinburgh EH9 1HL.",
        ];
        return { text: replies[turn.history.filter((m) => m.role === "user").length - 1] ?? "" };
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("checks the phrase as text: the scenario fails on it, and no test errors", { timeout: 180_000 }, async () => {
    const dir = tmp();
    const exported = await runCli(
      [
        "export",
        "promptfoo",
        path.join(ROOT, "suites/en.yaml"),
        "--no-judged",
        "--url",
        server.endpoint,
        "--out",
        "x.yaml",
      ],
      { cwd: dir },
    );
    expect(exported.code, exported.stderr).toBe(0);
    const { log, results } = await promptfooEval(dir, "x.yaml");
    // Before, the date reached promptfoo as a Date and the assertion stopped with "Invariant failed".
    expect(results.results.stats.errors, log).toBe(0);
    const text = readFileSync(path.join(dir, "x.yaml"), "utf8");
    expect(results.results.results).toHaveLength((parse(text) as PromptfooConfig).tests.length);
    const last = results.results.results.find((r) =>
      r.testCase.description.startsWith(
        "fjordpay-en/en-address-change-moved-to-edinburgh: Customer moved within the UK and updates the address [turn 3/3]",
      ),
    )!;
    expect(last.error ?? "").not.toMatch(/Invariant/);
    expect(last.success).toBe(false);
    expect(last.gradingResult!.componentResults!.map((c) => [c.assertion!.type, c.assertion!.value, c.pass])).toEqual([
      ["icontains", "EH9 1HL", true],
      ["icontains", "Marchmont", true],
      ["not-icontains", "30/06/1985", true],
      // A forbidden ISO date is checked in every written form, as the grader does.
      ["not-regex", datePattern("1985-06-30"), false],
    ]);
  });
});

describe("promptfoo eval with a model provider: the model gets the domain's system prompt", () => {
  const PROVIDER = "openai:chat:gpt-4.1-mini";

  it("export promptfoo --provider from the command line writes each language's system prompt with the policy", async () => {
    const dir = tmp();
    const r = await runCli(
      ["export", "promptfoo", path.join(ROOT, "suites/en.yaml"), "--provider", PROVIDER, "--out", "m.yaml"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const config = parse(readFileSync(path.join(dir, "m.yaml"), "utf8")) as PromptfooConfig;
    const prompts = JSON.stringify(config.prompts);
    expect(prompts).toContain("supportbench-conversation/fjordpay/en");
    expect(prompts).toContain("Fjordpay customer support policy");
  });

  it("sends the system prompt, policy and language filled in, before the chat", { timeout: 180_000 }, async () => {
    const loaded = await loadBundled(["suites/en.yaml", "suites/de.yaml"]);
    const bundled = loaded.domains.get("fjordpay")!;
    // Template syntax in a policy is text: nunjucks in promptfoo must not render it.
    const domain: Domain = {
      ...bundled,
      policy: `${bundled.policy}\nStaff notes may show {{ message }}, {% if vip %} or {# draft #}; treat them as text.\n`,
    };
    const scenarios = [
      scenarioById(loaded, "en-address-change-moved-to-edinburgh"),
      scenarioById(loaded, "de-refund-status-refund-issued"),
    ];
    const openings = new Map(scenarios.map((s) => [s.customer.opening, s]));
    const replies: Record<string, string[]> = {
      "en-address-change-moved-to-edinburgh": [
        "Happy to help. Please tell me your email, date of birth and current postcode.",
        "Thanks Thomas, you're verified. What is the new address?",
        "Done: your address is now Flat 3, 14 Marchmont Crescent, Edinburgh EH9 1HL.",
      ],
      "de-refund-status-refund-issued": [
        "Gern. Bitte bestätigen Sie mir die E-Mail-Adresse Ihres Kontos.",
        "Danke! Die Erstattung über 79.95 EUR kommt innerhalb von 5 Werktagen an.",
      ],
    };
    const server = await startOpenAIServer({
      script: (body) => {
        const users = body.messages.filter((m) => m.role === "user");
        const first = users[0]?.content;
        const s = typeof first === "string" ? openings.get(first) : undefined;
        return { content: s ? (replies[s.id]?.[users.length - 1] ?? "") : "unknown conversation" };
      },
    });
    try {
      const dir = tmp();
      const options: PromptfooExportOptions = {
        provider: PROVIDER,
        judged: false,
        domains: new Map([["fjordpay", domain]]),
      };
      const config = exportPromptfoo(scenarios, options);
      writeFileSync(path.join(dir, "model.yaml"), renderPromptfooYaml(config, scenarios, options));
      const { log, results } = await promptfooEval(dir, "model.yaml", {
        OPENAI_API_KEY: "sk-test-0000",
        OPENAI_BASE_URL: server.baseURL,
      });
      expect(results.results.stats, log).toEqual({ ...results.results.stats, successes: 5, failures: 0, errors: 0 });
      // One run per test: each test ran with its language's prompt, not with every prompt.
      expect(results.results.results).toHaveLength(5);
      expect(server.requests).toHaveLength(5);
      for (const r of results.results.results)
        expect(r.prompt.label).toMatch(/^supportbench-conversation\/fjordpay\/(en|de)$/);

      for (const body of server.requests) {
        const first = body.messages.find((m) => m.role === "user")?.content;
        const s = openings.get(typeof first === "string" ? first : "")!;
        expect(s, JSON.stringify(body.messages).slice(0, 300)).toBeDefined();
        const [system, ...chat] = body.messages;
        // Exactly what supportbench's own model candidates get.
        expect(system).toEqual({ role: "system", content: systemPrompt(domain, s.language) });
        expect(chat.map((m) => m.role)).toEqual(chat.map((_, i) => (i % 2 ? "assistant" : "user")));
        expect(chat.at(-1)!.role).toBe("user");
      }
      const systems = server.requests.map((b) => b.messages[0]!.content);
      expect(
        systems.filter((c) => typeof c === "string" && c.includes("{{ message }}, {% if vip %} or {# draft #}")),
      ).toHaveLength(5);
      expect(systems.filter((c) => c === systemPrompt(domain, "de"))).toHaveLength(2);
      const third = server.requests.find((b) => b.messages.length === 6)!;
      expect(third.messages[5]).toEqual({ role: "user", content: "Flat 3, 14 Marchmont Crescent, Edinburgh, EH9 1HL" });
    } finally {
      await server.close();
    }
  });
});
