import { z } from "zod";

/** supportbench.config.yaml (or .ts/.js through defineConfig): the single source of its types. */

export const ProviderEntry = z.union([
  z.string().min(1),
  z
    .object({
      /** The name results and reports use; defaults to the provider spec. */
      id: z.string().min(1).optional(),
      /** A provider spec: builtin:faq-bot, openai:<model>, anthropic:<model>, http, module:./bot.js, replay:file.jsonl, promptfoo:<id>. */
      provider: z.string().min(1),
      baseURL: z.string().url().optional(),
      apiKeyEnv: z.string().optional(),
      temperature: z.number().min(0).max(2).optional(),
      seed: z.number().int().optional(),
      max_tokens: z.number().int().positive().optional(),
      stream: z.boolean().optional(),
      /** Replaces the domain's system prompt for model candidates. */
      system_prompt: z.string().optional(),
      /** Concurrent conversations for this candidate (besides the global limit). */
      concurrency: z.number().int().positive().optional(),
      /** Provider-specific settings (the http bot's url, headers, body and response mapping, …). */
      options: z.record(z.string(), z.unknown()).default({}),
    })
    .strict(),
]);
export type ProviderEntry = z.infer<typeof ProviderEntry>;

export const JudgeConfig = z.union([
  ProviderEntry,
  z
    .object({
      panel: z.array(ProviderEntry).min(1),
      aggregate: z.enum(["mean", "majority"]).default("mean"),
      samples: z.number().int().min(1).default(1),
    })
    .strict(),
]);
export type JudgeConfig = z.infer<typeof JudgeConfig>;

export const Price = z.object({ input: z.number().min(0), output: z.number().min(0) }).strict();

export const Config = z
  .object({
    $schema: z.string().optional(),
    suites: z.array(z.string()).default(["suites/**/*.yaml"]),
    domains: z.string().default("datasets/domains"),
    rubrics: z.string().default("graders"),
    candidates: z.array(ProviderEntry).default(["builtin:reference", "builtin:faq-bot"]),
    judge: JudgeConfig.optional(),
    /** A model that plays the customer from persona, goal and knowledge; scripted customers otherwise. */
    simulator: ProviderEntry.optional(),
    trials: z.number().int().min(1).optional(),
    max_turns: z.number().int().min(1).max(50).default(8),
    concurrency: z.number().int().min(1).default(8),
    timeout_ms: z.number().int().positive().default(60_000),
    retries: z.number().int().min(0).default(4),
    out: z.string().default("reports"),
    cache: z
      .object({ enabled: z.boolean().default(true), dir: z.string().default(".supportbench-cache") })
      .strict()
      .default({ enabled: true, dir: ".supportbench-cache" }),
    /** Price per million tokens by model, over the bundled table. */
    pricing: z.record(z.string(), Price).default({}),
    scope_policy: z.string().default("policies/scope.yaml"),
  })
  .strict();
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;

/**
 * Typed helper for supportbench.config.ts / .mjs: `export default defineConfig({...})`. The default
 * export may also be a promise of the config (it is awaited); a module without a default export is an
 * input error, never an empty config.
 */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
