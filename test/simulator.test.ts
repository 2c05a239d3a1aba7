import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultLine } from "../src/run/schema.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { type OpenAITestServer, startOpenAIServer } from "./servers/openai-server.js";

let server: OpenAITestServer;
const seen: ChatCompletionCreateParams[] = [];

beforeAll(async () => {
  // The simulated customer gives its order number when asked, then says it is done.
  server = await startOpenAIServer({
    script: (body) => {
      seen.push(body);
      const last = body.messages.at(-1);
      const text = typeof last?.content === "string" ? last.content : "";
      return { content: /order number/i.test(text) ? "Sure, it is O-9001." : "###STOP###" };
    },
  });
});
afterAll(async () => server.close());

describe("an LLM-simulated customer (simulator in the config)", () => {
  it("plays the customer from persona, goal and knowledge, and ends with ###STOP###", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sb-sim-"));
    writeFileSync(
      path.join(dir, "supportbench.config.yaml"),
      [
        `suites: [${JSON.stringify(path.join(ROOT, "test/fixtures/valid/knows.yaml"))}]`,
        `domains: ${JSON.stringify(path.join(ROOT, "datasets/domains"))}`,
        `simulator: { provider: "openai:customer-sim", baseURL: ${JSON.stringify(server.baseURL)} }`,
        "cache: { enabled: false }",
      ].join("\n"),
    );
    const bot = path.join(ROOT, "test/fixtures/bots/asks-order.mjs");
    const r = await runCli(["run", "--candidate", `module:${bot}`, "--out", path.join(dir, "out"), "--no-report"], {
      cwd: dir,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const [line] = readFileSync(path.join(dir, "out", "latest", "results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => ResultLine.parse(JSON.parse(l)));
    const customer = line!.transcript.filter((e) => e.type === "customer");
    expect(customer.map((e) => (e.type === "customer" ? [e.text, e.simulated ?? false] : []))).toEqual([
      ["Hi, where is my parcel?", false],
      ["Sure, it is O-9001.", true],
    ]);
    expect(line!.verdict).toBe("pass");
    // The simulator saw the conversation from the customer's side, with its goal and knowledge.
    const system = seen[0]!.messages[0]!;
    expect(system.role).toBe("system");
    expect(String(system.content)).toContain("O-9001");
    expect(String(system.content)).toContain("###STOP###");
    expect(seen[0]!.messages.at(-1)!.role).toBe("user");
    // Deterministic unless the config asks otherwise.
    expect(seen.map((b) => b.temperature)).toEqual(seen.map(() => 0));
  });

  it("uses the temperature the config gives the simulator", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sb-sim-"));
    writeFileSync(
      path.join(dir, "supportbench.config.yaml"),
      [
        `suites: [${JSON.stringify(path.join(ROOT, "test/fixtures/valid/knows.yaml"))}]`,
        `domains: ${JSON.stringify(path.join(ROOT, "datasets/domains"))}`,
        `simulator: { provider: "openai:customer-sim", temperature: 0.7, baseURL: ${JSON.stringify(server.baseURL)} }`,
        "cache: { enabled: false }",
      ].join("\n"),
    );
    seen.length = 0;
    const bot = path.join(ROOT, "test/fixtures/bots/asks-order.mjs");
    const r = await runCli(["run", "--candidate", `module:${bot}`, "--out", path.join(dir, "out"), "--no-report"], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((b) => b.temperature)).toEqual(seen.map(() => 0.7));
  });
});
