import { z } from "zod";

/** Domain packs: `datasets/domains/<name>/domain.yaml` and the files it names. */

export const ToolDeclaration = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  description: z.string().min(1),
  /** JSON Schema of the arguments object. */
  parameters: z.record(z.string(), z.unknown()),
  /** The tool changes the world (refunds, address changes, …). */
  mutates: z.boolean().default(false),
  /** Policy: only after the customer's identity was verified in this conversation. */
  requires_verification: z.boolean().default(false),
});

export const DomainFile = z.strictObject({
  $schema: z.string().optional(),
  domain: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  title: z.string(),
  description: z.string().optional(),
  /** The policy the bot must follow, as Markdown, relative to the domain folder. */
  policy: z.string().default("policy.md"),
  /** The system prompt given to model candidates; `{{policy}}` and `{{language}}` are filled in. */
  system_prompt: z.string(),
  /** Folder of help-centre articles, `<lang>/<article>.md`. */
  kb: z.string().default("kb"),
  tools: z.string().default("tools.yaml"),
  world: z.string().default("world.yaml"),
  /** Which implementation runs the tools: `builtin:<name>` or a path to an ES module. */
  implementation: z.string(),
  handoff_reasons: z.array(z.string().min(1)).min(1),
  /** Tool that proves identity; arguments name the customer. */
  verification_tool: z.string().default("verify_identity"),
});

export const ToolsFile = z.strictObject({
  tools: z.array(ToolDeclaration).min(1),
});

export type ToolDeclaration = z.infer<typeof ToolDeclaration>;
export type DomainFile = z.infer<typeof DomainFile>;

export interface KbArticle {
  id: string;
  language: string;
  title: string;
  body: string;
  intents: string[];
}

/** A loaded domain pack. */
export interface Domain {
  name: string;
  dir: string;
  title: string;
  policy: string;
  systemPrompt: string;
  kb: KbArticle[];
  tools: ToolDeclaration[];
  world: Record<string, Record<string, unknown>[]>;
  implementation: string;
  handoffReasons: string[];
  verificationTool: string;
}
