import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { costOf, loadPriceTable, priceOf } from "../src/providers/pricing.js";
import {
  forgetRegisteredSecrets,
  REDACTED,
  redact,
  redactDeep,
  registerSecret,
  secretValues,
} from "../src/providers/redact.js";

afterEach(() => forgetRegisteredSecrets());

describe("pricing", () => {
  it("loads datasets/pricing.yaml with prices for common OpenAI and Anthropic models", () => {
    const table = loadPriceTable();
    for (const model of ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "claude-sonnet-4", "claude-3-5-haiku"]) {
      expect(table[model], model).toBeDefined();
      expect(table[model]!.output).toBeGreaterThanOrEqual(table[model]!.input);
    }
  });

  it("matches dated snapshots by the longest family prefix, never across a family boundary or a version", () => {
    expect(priceOf("gpt-4o-mini-2024-07-18")).toEqual(loadPriceTable()["gpt-4o-mini"]);
    expect(priceOf("gpt-4.1-mini")).toEqual(loadPriceTable()["gpt-4.1-mini"]);
    expect(priceOf("claude-sonnet-4-20250514")).toEqual(loadPriceTable()["claude-sonnet-4"]);
    expect(priceOf("claude-sonnet-4-5-20250929")).toEqual(loadPriceTable()["claude-sonnet-4-5"]);
    expect(priceOf("openai/gpt-4o")).toEqual(loadPriceTable()["gpt-4o"]);
    // "gpt-4" is not an entry, and "gpt-4o" must not price as it.
    expect(priceOf("gpt-4")).toBeUndefined();
    expect(priceOf("llama3.1:8b")).toBeUndefined();
    expect(priceOf("claude-3-5-sonnet-latest")).toEqual(loadPriceTable()["claude-3-5-sonnet"]);
    expect(priceOf("claude-3-5-sonnet-20240620-v1:0")).toEqual(loadPriceTable()["claude-3-5-sonnet"]);
    // A newer version is another model, whose price may differ: unknown, not its elder's.
    expect(priceOf("claude-opus-4-7")).toBeUndefined();
    expect(priceOf("claude-sonnet-4-6")).toBeUndefined();
    expect(priceOf("gpt-5-codex")).toBeUndefined();
  });

  it("computes cost per 1M tokens, lets config override or add prices, and leaves unknown models unpriced", () => {
    expect(costOf("gpt-4o", { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(12.5, 10);
    expect(
      costOf("gpt-4o", { inputTokens: 2_000, outputTokens: 0 }, { "gpt-4o": { input: 1, output: 1 } }),
    ).toBeCloseTo(0.002, 10);
    expect(
      costOf("llama3.1:8b", { inputTokens: 10, outputTokens: 10 }, { "llama3.1:8b": { input: 0, output: 0 } }),
    ).toBe(0);
    expect(costOf("my-local-model", { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
  });

  it("rejects a malformed price file with its path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pricing-"));
    try {
      const file = join(dir, "pricing.yaml");
      await writeFile(file, "models:\n  gpt-x: { input: -1, output: 2 }\n");
      expect(() => loadPriceTable(file)).toThrow(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("redaction", () => {
  const env = {
    OPENAI_API_KEY: "sk-proj-AbCdEf0123456789xyz",
    BOT_TOKEN: "tok_live_5f4e3d2c1b",
    SHOP_SECRET: "hunter2hunter2",
    FEATURE_FLAG_KEY: "1",
    HOME: "/home/someone-with-a-long-name",
  };

  it("finds secrets by variable name, ignoring short values and other variables", () => {
    expect(secretValues(env).sort()).toEqual(["hunter2hunter2", "sk-proj-AbCdEf0123456789xyz", "tok_live_5f4e3d2c1b"]);
  });

  it("removes env secrets, sk- keys, bearer tokens and keys in URLs", () => {
    const text =
      "401: Incorrect API key provided: sk-proj-AbCdEf0123456789xyz; header Authorization: Bearer tok_live_5f4e3d2c1b; " +
      "other sk-ant-api03-zzzzzzzzzzzzzzzzzz; GET https://bot.example.com/chat?api_key=abc123&lang=de; pw hunter2hunter2";
    const out = redact(text, env);
    for (const secret of [
      "sk-proj-AbCdEf0123456789xyz",
      "tok_live_5f4e3d2c1b",
      "sk-ant-api03-zzzzzzzzzzzzzzzzzz",
      "abc123",
      "hunter2hunter2",
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain(`Bearer ${REDACTED}`);
    expect(out).toContain(`api_key=${REDACTED}&lang=de`);
    expect(out).toContain("401: Incorrect API key provided");
    expect(redact("cwd /home/someone-with-a-long-name", env)).toBe("cwd /home/someone-with-a-long-name");
  });

  it("redacts a registered value whatever its variable is called, but not a short one", () => {
    registerSecret("credential-value-4242");
    registerSecret("acme");
    expect(redact("got credential-value-4242 for acme", {})).toBe(`got ${REDACTED} for acme`);
    expect(secretValues({})).toContain("credential-value-4242");
  });

  it("redacts nested objects without touching the original", () => {
    const value = { error: { message: "bad key sk-proj-AbCdEf0123456789xyz", list: ["tok_live_5f4e3d2c1b", 3, null] } };
    expect(redactDeep(value, env)).toEqual({ error: { message: `bad key ${REDACTED}`, list: [REDACTED, 3, null] } });
    expect(value.error.message).toContain("sk-proj");
  });
});
