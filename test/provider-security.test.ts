import { readdirSync, readFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { networkInterfaces } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/config/schema.js";
import { makeProject, readResults, runDirFrom } from "./fixtures/executor/project.js";
import { runCli } from "./helpers/cli.js";
import { startAnthropicServer } from "./servers/anthropic-server.js";
import { startOpenAIServer } from "./servers/openai-server.js";
import { startWebhookBotServer } from "./servers/webhook-bot.js";

/**
 * Keys go only where they are meant to, and never reach the terminal, results or reports: each
 * through `supportbench run`, as a user would hit it, against the local protocol servers.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A real-looking OpenAI key in the default variable, which no other server may receive. */
const OPENAI_KEY = "sk-proj-Q7cJ3vX9mWk2LpR8tY4uZ6nB";
const ANTHROPIC_KEY = "sk-ant-api03-H5gT2kL9pQ4wX8zC1vB7nM3";

/** A one-scenario project whose config has no candidates of its own; runs are short. */
function project(config: Partial<ConfigInput> = {}) {
  return makeProject({ retries: 0, timeout_ms: 5_000, ...config }, { scenarios: 1, trials: 1 });
}

/** Every file a run wrote (results, run.json and the reports), as one text. */
function everythingWritten(runDir: string): string {
  return readdirSync(runDir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => readFileSync(path.join(d.parentPath, d.name), "utf8"))
    .join("\n");
}

/** This machine's address on a network interface other than loopback, if it has one. */
function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

/** A third-party gateway: a TCP relay on a non-loopback address in front of the local OpenAI server. */
async function gateway(host: string, target: string): Promise<string> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(to.port), to.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as { port: number };
  return `http://${host}:${port}`;
}

const LAN = nonLoopbackAddress();

describe("the default API key goes only to the provider's own API", () => {
  it.skipIf(LAN === undefined)(
    "a gateway on a non-loopback address never receives OPENAI_API_KEY; it gets the key apiKeyEnv names",
    async () => {
      const server = await startOpenAIServer({ script: () => ({ content: "Refunds take 5 business days." }) });
      closers.push(() => server.close());
      const base = `${await gateway(LAN!, server.url)}/v1`;
      const p = project();

      const refused = await runCli(["run", "--no-report", "--candidate", `openai:gpt-4o-mini?baseURL=${base}`], {
        cwd: p.dir,
        env: { OPENAI_API_KEY: OPENAI_KEY },
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        "name the environment variable that holds its key with apiKeyEnv (OPENAI_API_KEY is sent only to api.openai.com)",
      );
      expect(server.stats.requests).toBe(0);

      const ok = await runCli(
        ["run", "--no-report", "--candidate", `openai:gpt-4o-mini?baseURL=${base}&apiKeyEnv=GATEWAY_CREDENTIAL`],
        { cwd: p.dir, env: { OPENAI_API_KEY: OPENAI_KEY, GATEWAY_CREDENTIAL: "gw-live-8d7c6b5a4f3e" } },
      );
      expect(ok.code).toBe(0);
      expect(server.stats.requests).toBeGreaterThan(0);
      for (const h of server.headers) expect(h.authorization).toBe("Bearer gw-live-8d7c6b5a4f3e");
      expect(JSON.stringify(server.headers)).not.toContain(OPENAI_KEY);
    },
  );

  it("a remote baseURL without apiKeyEnv is an input error naming what to set, for openai and anthropic", async () => {
    const p = project();
    const env = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY };
    const openai = await runCli(
      ["run", "--no-report", "--candidate", "openai:llama-3.3-70b?baseURL=https://llm-gateway.example.com/v1"],
      { cwd: p.dir, env },
    );
    expect(openai.code).toBe(2);
    expect(openai.stderr).toContain(
      "openai:llama-3.3-70b?baseURL=https://llm-gateway.example.com/v1: no API key for the server at https://llm-gateway.example.com/v1: name the environment variable that holds its key with apiKeyEnv (OPENAI_API_KEY is sent only to api.openai.com)",
    );
    // http:// on the official host is not the official API either.
    const plain = await runCli(
      ["run", "--no-report", "--candidate", "openai:gpt-4o?baseURL=http://api.openai.com/v1"],
      {
        cwd: p.dir,
        env,
      },
    );
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("apiKeyEnv");

    const anthropic = await runCli(
      ["run", "--no-report", "--candidate", "anthropic:claude-haiku-4-5?baseURL=https://llm-gateway.example.com"],
      { cwd: p.dir, env },
    );
    expect(anthropic.code).toBe(2);
    expect(anthropic.stderr).toContain("(ANTHROPIC_API_KEY is sent only to api.anthropic.com)");
    expect(`${openai.stderr}${anthropic.stderr}`).not.toMatch(/sk-(proj|ant)/);
  });

  it("a server on this machine gets a placeholder, never the real key, unless apiKeyEnv names one", async () => {
    const openai = await startOpenAIServer({ script: () => ({ content: "Refunds take 5 business days." }) });
    const anthropic = await startAnthropicServer({ script: () => ({ text: "Refunds take 5 business days." }) });
    closers.push(
      () => openai.close(),
      () => anthropic.close(),
    );
    const p = project();
    const env = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY, LOCAL_KEY: "local-key-0123456789" };

    const r = await runCli(
      [
        "run",
        "--no-report",
        "--candidate",
        `openai:llama3.1:8b?baseURL=${openai.baseURL}`,
        "--candidate",
        `anthropic:claude-haiku-4-5?baseURL=${anthropic.url}`,
      ],
      { cwd: p.dir, env },
    );
    expect(r.code).toBe(0);
    expect(openai.headers.map((h) => h.authorization)).toEqual(openai.headers.map(() => "Bearer no-key"));
    // The SDK sends the key as x-api-key or as a bearer token, by version.
    const anthropicKeys = anthropic.headers.map((h) => h["x-api-key"] ?? h.authorization?.replace(/^Bearer /, ""));
    expect(anthropicKeys).toEqual(anthropic.headers.map(() => "no-key"));
    expect(JSON.stringify([openai.headers, anthropic.headers])).not.toMatch(/sk-(proj|ant)/);

    await runCli(
      ["run", "--no-report", "--candidate", `openai:llama3.1:8b?baseURL=${openai.baseURL}&apiKeyEnv=LOCAL_KEY`],
      { cwd: p.dir, env },
    );
    expect(openai.headers.at(-1)!.authorization).toBe("Bearer local-key-0123456789");
  });
});

describe("secrets in results, terminal and reports", () => {
  it("an HTTP bot's default id keeps the env placeholder of its URL, never the value", async () => {
    const secret = "s3cr3t-hook-9f8e7d6c";
    const bot = await startWebhookBotServer({
      mode: "stateful",
      path: `/hooks/${secret}/chat`,
      script: () => ({ text: "Refunds are paid within 5 business days.", end: true }),
    });
    closers.push(() => bot.close());
    const url = `${bot.url}/hooks/\${env:HOOK_SECRET}/chat`;
    const p = project({
      candidates: [{ provider: "http:", options: { url, session: "stateful", response: { text: "output.text" } } }],
    });
    const r = await runCli(["run"], { cwd: p.dir, env: { HOOK_SECRET: secret } });
    expect(r.code).toBe(0);
    expect(bot.stats.answered).toBe(1);
    const runDir = runDirFrom(r.stdout, p.dir);
    const id = `http:${new URL(bot.url).host}/hooks/\${env:HOOK_SECRET}/chat`;
    expect(readResults(runDir)[0]!.candidate).toBe(id);
    expect(r.stdout).toContain(id);
    expect(`${r.stdout}${r.stderr}${everythingWritten(runDir)}`).not.toContain(secret);
  });

  it("redacts the key apiKeyEnv names however the variable is called, from results and reports", async () => {
    const wrong = "wrongSecretValue-abcdef123";
    const server = await startOpenAIServer({ script: [], apiKey: "sk-the-right-key-000000000000" });
    closers.push(() => server.close());
    const p = project();
    const r = await runCli(
      ["run", "--candidate", `openai:gpt-4o-mini?baseURL=${server.baseURL}&apiKeyEnv=LLM_APIKEY`],
      { cwd: p.dir, env: { LLM_APIKEY: wrong } },
    );
    const runDir = runDirFrom(r.stdout, p.dir);
    const [line] = readResults(runDir);
    expect(line!.error).toMatchObject({ kind: "config" });
    expect(line!.error!.message).toContain("Incorrect API key provided: [redacted]");
    // The server did see the key: it is the message that must not carry it on.
    expect(server.headers[0]!.authorization).toBe(`Bearer ${wrong}`);
    expect(`${r.stdout}${r.stderr}${everythingWritten(runDir)}`).not.toContain(wrong);
  });

  it("redacts every env value an HTTP bot fills in, however the variable is called", async () => {
    const credential = "gwcred-5e4d3c2b1a09";
    const bot = await startWebhookBotServer({ mode: "stateless", token: "the-right-one-1234", script: [] });
    closers.push(() => bot.close());
    const p = project({
      candidates: [
        {
          id: "gateway-bot",
          provider: bot.endpoint,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: ${env:NAME} is the config syntax under test
          options: { headers: { Authorization: "Token ${env:GATEWAY_CREDENTIAL}" }, response: { text: "output.text" } },
        },
      ],
    });
    const r = await runCli(["run"], { cwd: p.dir, env: { GATEWAY_CREDENTIAL: credential } });
    const runDir = runDirFrom(r.stdout, p.dir);
    const [line] = readResults(runDir);
    // The bot's 401 echoes the header it got.
    expect(line!.error!.message).toContain("unauthorized: got Token [redacted]");
    expect(`${r.stdout}${r.stderr}${everythingWritten(runDir)}`).not.toContain(credential);
  });
});
