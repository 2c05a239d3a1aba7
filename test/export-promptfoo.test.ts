import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { datePattern, keyKind, keyPattern, numberPattern } from "../src/export/key-patterns.js";
import {
  CONVERSATION_PROMPT,
  escalationInWords,
  exportPromptfoo,
  type PromptfooConfig,
  WHOLE_CONVERSATION_TRANSFORM,
} from "../src/export/promptfoo.js";
import { findKey } from "../src/suite/text-match.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { type HistoryMessage, startWebhookBotServer, type WebhookBotServer } from "./servers/webhook-bot.js";

const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-export-"));

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
    };
    const bin = path.join(ROOT, "node_modules/.bin/promptfoo");
    const args = ["eval", "-c", "promptfooconfig.yaml", "-o", "results.json", "--no-cache", "--no-table"];
    const run = await promisify(execFile)(bin, [...args, "--no-progress-bar", "-j", "2"], { cwd: dir, env }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? 1,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );
    // promptfoo exits non-zero when any test fails, and one scenario is built to fail.
    expect(run.code, `${run.stdout}\n${run.stderr}`).not.toBe(0);
    const out = JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8")) as {
      results: {
        stats: { successes: number; failures: number; errors: number };
        results: {
          success: boolean;
          error?: string;
          response?: { output?: string };
          testCase: { description: string };
          gradingResult?: { componentResults?: { pass: boolean; assertion?: { type: string; value?: unknown } }[] };
        }[];
      };
    };
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
