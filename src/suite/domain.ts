import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { type Domain, DomainFile, type KbArticle, type ToolDeclaration, ToolsFile } from "./domain-schema.js";
import { InputError, type Problem } from "./problems.js";
import { readUtf8 } from "./read-text.js";
import { parseYaml, type YamlSource, zodProblems } from "./yaml-source.js";

/** Tools the engine offers in every domain, whatever the domain declares. */
export const ENGINE_TOOLS: ToolDeclaration[] = [
  {
    name: "escalate_to_human",
    description:
      "Hand the conversation to a human agent. Use when policy requires it or the customer asks for a person. The summary must let the human continue without asking the customer to repeat themselves.",
    parameters: {
      type: "object",
      properties: {
        reason: { type: "string", description: "Why a person must take over (one of the domain's hand-off reasons)." },
        summary: { type: "string", description: "What the customer needs and what was done so far." },
      },
      required: ["reason", "summary"],
    },
    mutates: false,
    requires_verification: false,
  },
  {
    name: "search_help_center",
    description: "Search the help-centre articles (in the customer's language when available).",
    parameters: {
      type: "object",
      properties: { query: { type: "string" } },
      required: ["query"],
    },
    mutates: false,
    requires_verification: false,
  },
];

const domainJsonSchema = z.toJSONSchema(DomainFile, { io: "input" });
const toolsJsonSchema = z.toJSONSchema(ToolsFile, { io: "input" });

function readValidated<T>(
  file: string,
  schema: z.ZodType<T>,
  jsonSchema: object,
  problems: Problem[],
): { value: T; source: YamlSource } | undefined {
  if (!existsSync(file)) {
    problems.push({ file, line: 1, col: 1, message: "file not found", hint: "every domain pack needs this file" });
    return undefined;
  }
  const read = readUtf8(file, file);
  if ("problem" in read) {
    problems.push(read.problem);
    return undefined;
  }
  const { source, problems: syntax } = parseYaml(file, read.text);
  problems.push(...syntax);
  if (!source) return undefined;
  const parsed = schema.safeParse(source.value);
  if (!parsed.success) {
    problems.push(...zodProblems(source, parsed.error.issues, [], jsonSchema));
    return undefined;
  }
  return { value: parsed.data, source };
}

/** Split optional YAML front matter from a Markdown article; a bad front matter is a problem. */
function readArticle(file: string, language: string, problems: Problem[]): KbArticle | undefined {
  const read = readUtf8(file, file);
  if ("problem" in read) {
    problems.push(read.problem);
    return undefined;
  }
  const text = read.text.replace(/^\uFEFF/, "");
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  let meta: Record<string, unknown> = {};
  if (m) {
    const parsed = parseYaml(file, m[1] ?? "");
    if (parsed.problems.length && !(m[1] ?? "").trim()) parsed.problems.length = 0;
    // Front matter starts on the file's second line.
    problems.push(...parsed.problems.map((p) => ({ ...p, line: p.line + 1 })));
    if (parsed.problems.length) return undefined;
    meta = (parsed.source?.value ?? {}) as Record<string, unknown>;
  }
  const body = (m ? m[2] : text) ?? "";
  const heading = /^#\s+(.+)$/m.exec(body)?.[1];
  return {
    id: String(meta.id ?? path.basename(file, ".md")),
    language,
    title: String(meta.title ?? heading ?? path.basename(file, ".md")),
    body: body.trim(),
    intents: Array.isArray(meta.intents) ? meta.intents.map(String) : [],
  };
}

function readKb(dir: string, problems: Problem[]): KbArticle[] {
  if (!existsSync(dir)) return [];
  const out: KbArticle[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const langDir = path.join(dir, entry.name);
    for (const f of readdirSync(langDir).sort()) {
      if (!f.endsWith(".md")) continue;
      const article = readArticle(path.join(langDir, f), entry.name, problems);
      if (article) out.push(article);
    }
  }
  return out;
}

/** Load `<domainsDir>/<name>/domain.yaml` and what it names; problems are collected, not thrown. */
export function loadDomain(domainsDir: string, name: string, problems: Problem[]): Domain | undefined {
  const dir = path.join(domainsDir, name);
  const before = problems.length;
  const domainFile = readValidated(path.join(dir, "domain.yaml"), DomainFile, domainJsonSchema, problems);
  if (!domainFile) return undefined;
  const d = domainFile.value;
  const tools = readValidated(path.join(dir, d.tools), ToolsFile, toolsJsonSchema, problems);
  const worldPath = path.join(dir, d.world);
  const worldRead = existsSync(worldPath) ? readUtf8(worldPath, worldPath) : undefined;
  const worldSrc = worldRead && "text" in worldRead ? parseYaml(worldPath, worldRead.text) : undefined;
  if (worldRead && "problem" in worldRead) problems.push(worldRead.problem);
  if (worldSrc) problems.push(...worldSrc.problems);
  const policyPath = path.join(dir, d.policy);
  const policy = existsSync(policyPath) ? readUtf8(policyPath, policyPath) : undefined;
  if (!policy) problems.push({ file: policyPath, line: 1, col: 1, message: "policy file not found" });
  else if ("problem" in policy) problems.push(policy.problem);
  const kb = readKb(path.join(dir, d.kb), problems);
  if (problems.length > before || !tools || !policy || !("text" in policy)) return undefined;
  return {
    name: d.domain,
    dir,
    title: d.title,
    policy: policy.text,
    systemPrompt: d.system_prompt,
    kb,
    tools: [...tools.value.tools, ...ENGINE_TOOLS],
    world: (worldSrc?.source?.value ?? {}) as Domain["world"],
    implementation: d.implementation,
    handoffReasons: d.handoff_reasons,
    verificationTool: d.verification_tool,
  };
}

/** Names of the domain packs available in a folder. */
export function listDomains(domainsDir: string): string[] {
  if (!existsSync(domainsDir)) return [];
  return readdirSync(domainsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(domainsDir, e.name, "domain.yaml")))
    .map((e) => e.name)
    .sort();
}

/** Load one domain or throw an InputError carrying its problems. */
export function loadDomainOrThrow(domainsDir: string, name: string): Domain {
  const problems: Problem[] = [];
  const d = loadDomain(domainsDir, name, problems);
  if (!d) throw new InputError(problems);
  return d;
}
