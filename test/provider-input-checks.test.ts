import { afterEach, describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/config/schema.js";
import { createHttpBotCandidate, templateProblems } from "../src/providers/http-bot.js";
import { ProviderError } from "../src/providers/types.js";
import { makeProject, readResults, runDirFrom } from "./fixtures/executor/project.js";
import { runCli } from "./helpers/cli.js";
import { makeRequest, user } from "./servers/requests.js";
import { startWebhookBotServer } from "./servers/webhook-bot.js";

/**
 * Provider settings that cannot work are input errors (exit 2) before the first trial, with a
 * message that says what to fix, instead of trials that fail one by one or pass by accident.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const project = (config: Partial<ConfigInput> = {}) =>
  makeProject({ retries: 0, ...config }, { scenarios: 1, trials: 1 });

/** `supportbench run` with these candidates; the exit code and what it printed. */
async function runWith(candidates: string[], config: Partial<ConfigInput> = {}) {
  const p = project(config);
  const args = ["run", "--no-report", ...candidates.flatMap((c) => ["--candidate", c])];
  return runCli(args, {
    cwd: p.dir,
    env: { OPENAI_API_KEY: "sk-test-000000000000000000", ANTHROPIC_API_KEY: "x".repeat(20) },
  });
}

describe("openai: and anthropic: specs", () => {
  it.each([
    ["openai:", "openai:: no model named; write openai:<model>, e.g. openai:gpt-4.1-mini"],
    ["anthropic:", "anthropic:: no model named; write anthropic:<model>, e.g. anthropic:claude-haiku-4-5"],
    ["openai:gpt?baseURL=notaurl", 'baseURL "notaurl" is not an http:// or https:// URL'],
    ["anthropic:claude-haiku-4-5?baseURL=ftp://files.example.com", 'baseURL "ftp://files.example.com" is not an http'],
    [
      "openai:gpt-4o?temperature=abc",
      'unknown option "temperature" in the spec; known: baseURL, apiKeyEnv (other settings go in a config entry)',
    ],
    ["openai:gpt-4o?apiKeyEnv=my-key", 'apiKeyEnv "my-key" is not an environment variable name'],
  ])("%s is an input error", async (spec, message) => {
    const r = await runWith([spec]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain("results:");
  });

  it("checks a config entry's baseURL too", async () => {
    const p = project({
      candidates: [{ id: "gw", provider: "openai:gpt-4o", baseURL: "ftp://llm.example.com/v1", apiKeyEnv: "GW_KEY" }],
    });
    const r = await runCli(["run", "--no-report"], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('gw: baseURL "ftp://llm.example.com/v1" is not an http:// or https:// URL');
  });
});

describe("HTTP bot templates", () => {
  it("a misspelt or unclosed placeholder in the URL or body is an input error naming each, and nothing is sent", async () => {
    const bot = await startWebhookBotServer({ mode: "stateless", script: () => ({ text: "hi" }) });
    closers.push(() => bot.close());
    const p = project({
      candidates: [
        {
          provider: `${bot.url}/chat/{{scenaro_id}}`,
          options: {
            body: { text: "{{mesage}}", lang: "{{language", history: "{{ history }}" },
            response: { text: "output.text" },
          },
        },
      ],
    });
    const r = await runCli(["run", "--no-report"], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "unknown placeholder `{{scenaro_id}}` in url; did you mean `{{scenario_id}}`?; " +
        "unknown placeholder `{{mesage}}` in body.text; did you mean `{{message}}`?; " +
        "unclosed placeholder `{{language` in body.lang; close it with `}}`; " +
        "known: {{message}}, {{history}}, {{session_id}}, {{language}}, {{scenario_id}}, {{conversation_id}}\n",
    );
    expect(r.stderr).not.toContain("body.history");
    // The bot is named once: by the id the provider gave it, not also by its spec.
    const host = new URL(bot.url).host;
    expect(r.stderr).toContain(`candidate http:${host}/chat/{{scenaro_id}}: unknown placeholder`);
    expect(bot.stats.requests).toBe(0);
  });

  it("headers take the one-line placeholders, filled in per request, and refuse the others", async () => {
    const bot = await startWebhookBotServer({ mode: "stateless", script: () => ({ text: "hi" }) });
    closers.push(() => bot.close());
    const candidate = createHttpBotCandidate(
      {
        url: bot.endpoint,
        headers: { "X-Conversation": "{{session_id}}", "X-Lang": "lang={{language}}" },
        response: { text: "output.text" },
      },
      { env: {} },
    );
    await candidate.respond(
      makeRequest([user("hi")], {
        context: { conversationId: "c-1", sessionId: "run-1:c-1", language: "de", scenarioId: "s", domain: "d" },
      }),
    );
    expect(bot.headers[0]).toMatchObject({ "x-conversation": "run-1:c-1", "x-lang": "lang=de" });

    expect(() =>
      createHttpBotCandidate(
        { url: bot.endpoint, headers: { "X-Text": "{{message}}" }, response: { text: "output.text" } },
        { env: {} },
      ),
    ).toThrow(
      "`{{message}}` cannot go in headers.X-Text (it can hold line breaks); known: {{message}}, {{history}}, {{session_id}}, {{language}}, {{scenario_id}}, {{conversation_id}} (headers: {{session_id}}, {{language}}, {{scenario_id}}, {{conversation_id}})",
    );
  });

  it("lists every problem with where it is, and ignores a GET bot's body", () => {
    expect(templateProblems({ a: ["ok {{message}}", { b: "{{Message}} and {{nope" }] }, "body")).toEqual([
      "unknown placeholder `{{Message}}` in body.a[1].b; did you mean `{{message}}`?",
      "unclosed placeholder `{{nope` in body.a[1].b; close it with `}}`",
    ]);
    expect(templateProblems("{{x}} {{ language }}", "url")).toEqual(["unknown placeholder `{{x}}` in url"]);
    const get = () =>
      createHttpBotCandidate(
        {
          url: "http://127.0.0.1:9/ask?q={{message}}",
          method: "GET",
          body: { x: "{{nope}}" },
          response: { text: "r" },
        },
        { env: {} },
      );
    expect(get).not.toThrow();
    expect(() => createHttpBotCandidate({ url: "ftp://127.0.0.1/chat", response: { text: "r" } }, { env: {} })).toThrow(
      ProviderError,
    );
  });

  it("a run whose templates are right still passes", async () => {
    const bot = await startWebhookBotServer({
      mode: "stateless",
      path: "/chat/case-000",
      script: () => ({ text: "Refunds are paid within 5 business days.", end: true }),
    });
    closers.push(() => bot.close());
    const p = project({
      candidates: [
        {
          id: "bot",
          provider: `${bot.url}/chat/{{scenario_id}}`,
          options: { body: { messages: "{{history}}", language: "{{language}}" }, response: { text: "output.text" } },
        },
      ],
    });
    const r = await runCli(["run", "--no-report"], { cwd: p.dir });
    expect(r.code).toBe(0);
    expect(readResults(runDirFrom(r.stdout, p.dir))[0]!.error).toBeUndefined();
  });
});
