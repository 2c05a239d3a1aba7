import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
import fg from "fast-glob";
import { z } from "zod";
import { listDomains, loadDomain } from "./domain.js";
import type { Domain } from "./domain-schema.js";
import { didYouMean, type Problem, sortProblems } from "./problems.js";
import { readUtf8 } from "./read-text.js";
import { type LoadedScenario, Scenario, Suite, SuiteDefaults } from "./schema.js";
import { parseYaml, positionOf, type YamlSource, zodProblems } from "./yaml-source.js";

export const DEFAULT_SUITE_GLOBS = ["suites/**/*.yaml", "suites/**/*.yml"];

export interface SuiteInfo {
  suite: string;
  title: string;
  file: string;
  domain: string;
  sha256: string;
  scenarios: number;
}

export interface LoadResult {
  scenarios: LoadedScenario[];
  suites: SuiteInfo[];
  domains: Map<string, Domain>;
  problems: Problem[];
}

export interface LoadOptions {
  cwd?: string;
  domainsDir: string;
}

const suiteJsonSchema = z.toJSONSchema(Suite, { io: "input" });
const scenarioJsonSchema = z.toJSONSchema(Scenario, { io: "input" });

/** Is this a well-formed BCP 47 language tag? */
export function isLanguageTag(tag: string): boolean {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/**
 * Find suite files; a glob that matches nothing is a problem, not silence. A folder stands for the
 * `.yaml` and `.yml` files under it (`suites` = `suites/**\/*.{yaml,yml}`).
 */
export async function discoverSuites(globs: string[], cwd: string): Promise<{ files: string[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const files = new Set<string>();
  for (const g of globs) {
    if (g.trim() === "") {
      problems.push({
        file: JSON.stringify(g),
        line: 1,
        col: 1,
        message: "an empty suite path or glob",
        hint: "pass suite files or globs such as suites/**/*.yaml (an unset shell variable gives an empty argument)",
      });
      continue;
    }
    const folder = !fg.isDynamicPattern(g) && isFolder(path.resolve(cwd, g));
    const pattern = folder ? `${fg.convertPathToPattern(g.replace(/[\\/]+$/, "") || "/")}/**/*.{yaml,yml}` : g;
    let found: string[];
    try {
      found = await fg(pattern, { cwd, onlyFiles: true, absolute: false, dot: false });
    } catch (err) {
      problems.push({
        file: g,
        line: 1,
        col: 1,
        message: `not a usable glob: ${(err as Error).message}`,
        hint: "pass suite files or globs such as suites/**/*.yaml",
      });
      continue;
    }
    if (found.length === 0 && folder) {
      problems.push({
        file: g,
        line: 1,
        col: 1,
        message: "the folder holds no .yaml or .yml files",
        hint: "pass the suite files, or a glob such as suites/**/*.yaml",
      });
    } else if (found.length === 0 && !fg.isDynamicPattern(g)) {
      problems.push({
        file: g,
        line: 1,
        col: 1,
        message: "no such file",
        hint: "check the path, or pass a glob such as suites/**/*.yaml",
      });
    }
    for (const f of found) files.add(f);
  }
  if (files.size === 0 && problems.length === 0) {
    problems.push({
      file: globs.join(" "),
      line: 1,
      col: 1,
      message: "no suite files match",
      hint: "pass suite files or globs, e.g. suites/**/*.yaml",
    });
  }
  return { files: [...files].sort(), problems };
}

function isFolder(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

const ENGINE_HANDOFF_TOOL = "escalate_to_human";

function checkScenario(
  src: YamlSource,
  index: number,
  s: LoadedScenario,
  domain: Domain | undefined,
  problems: Problem[],
): void {
  const at = (p: PropertyKey[], prefer: "key" | "value" = "value") =>
    positionOf(src, ["scenarios", index, ...p], prefer);
  const push = (p: PropertyKey[], message: string, hint?: string, prefer: "key" | "value" = "value") =>
    problems.push({ file: src.file, ...at(p, prefer), message, hint });

  if (!isLanguageTag(s.language)) {
    push(["language"], `\`${s.language}\` is not a BCP 47 language tag`, "use a tag such as de, pt-BR or zh-Hans");
  }
  const e = s.expect;
  const judgedOnly = e.rubric.length + e.forbidden.filter((f) => typeof f === "string").length;
  const deterministic =
    (e.escalate !== undefined ? 1 : 0) +
    e.facts.length +
    e.forbidden.filter((f) => typeof f !== "string").length +
    e.actions.length +
    e.never.length +
    Object.keys(e.state).length;
  if (deterministic + judgedOnly === 0 && s.reference.length === 0) {
    push(
      ["id"],
      `scenario \`${s.id}\` has nothing to grade`,
      "add expectations under `expect` (escalate, facts, forbidden, actions, state, rubric) or a gold `reference`",
    );
  }
  if (!domain) return;
  const toolNames = domain.tools.map((t) => t.name);
  const checkTool = (name: string, p: PropertyKey[]) => {
    if (!toolNames.includes(name)) {
      const guess = didYouMean(name, toolNames);
      push(
        p,
        `unknown tool \`${name}\` for domain \`${domain.name}\``,
        guess ? `did you mean \`${guess}\`?` : `the domain declares: ${toolNames.join(", ")}`,
        "key",
      );
    }
  };
  e.actions.forEach((a, i) => {
    for (const name of Object.keys(a)) checkTool(name, ["expect", "actions", i, name]);
  });
  e.never.forEach((name, i) => {
    checkTool(name, ["expect", "never", i]);
  });
  e.may.forEach((name, i) => {
    checkTool(name, ["expect", "may", i]);
  });
  s.reference.forEach((step, i) => {
    if ("tool" in step) checkTool(step.tool, ["reference", i, "tool"]);
    if ("tool" in step && step.tool === ENGINE_HANDOFF_TOOL) {
      push(["reference", i, "tool"], "write a hand-off in a reference as `handoff: { reason, summary }`", undefined);
    }
    if ("handoff" in step && !domain.handoffReasons.includes(step.handoff.reason)) {
      push(
        ["reference", i, "handoff", "reason"],
        `unknown hand-off reason \`${step.handoff.reason}\``,
        `the domain allows: ${domain.handoffReasons.join(", ")}`,
      );
    }
  });
  const esc = e.escalate;
  if (esc && typeof esc === "object") {
    (esc.reasons ?? []).forEach((r, i) => {
      if (!domain.handoffReasons.includes(r)) {
        const guess = didYouMean(r, domain.handoffReasons);
        push(
          ["expect", "escalate", "reasons", i],
          `unknown hand-off reason \`${r}\``,
          guess ? `did you mean \`${guess}\`?` : `the domain allows: ${domain.handoffReasons.join(", ")}`,
        );
      }
    });
  }
  const collections = [...new Set([...Object.keys(domain.world), ...Object.keys(s.world)])].sort();
  for (const statePath of Object.keys(e.state)) {
    const [collection = "", ...rest] = statePath.split(".");
    if (rest.length === 0 || rest.some((part) => part === "")) {
      push(
        ["expect", "state", statePath],
        `state path \`${statePath}\` is not \`collection.id\` or \`collection.id.field\``,
        `write it as e.g. \`orders.O-7781.status\`; collections of domain \`${domain.name}\`: ${collections.join(", ")}`,
        "key",
      );
    } else if (!collections.includes(collection)) {
      const guess = didYouMean(collection, collections);
      push(
        ["expect", "state", statePath],
        `unknown collection \`${collection}\` in state path \`${statePath}\``,
        `${guess ? `did you mean \`${[guess, ...rest].join(".")}\`? ` : ""}the world of domain \`${domain.name}\` has: ${collections.join(", ")}`,
        "key",
      );
    }
  }
  e.forbidden.forEach((f, i) => {
    if (typeof f !== "string" && f.pattern !== undefined) {
      try {
        new RegExp(f.pattern, "iu");
      } catch (err) {
        push(
          ["expect", "forbidden", i, "pattern"],
          `invalid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, "")}`,
        );
      }
    }
  });
}

/**
 * The suite's defaults, field by field: a valid field applies even when another is wrong. Wrong fields
 * were reported by the suite's own validation (or here, for a language that is not a BCP 47 tag) and
 * come back in `unusable`.
 */
function usableDefaults(
  src: YamlSource,
  raw: unknown,
  problems: Problem[],
): { defaults: Partial<SuiteDefaults>; unusable: Set<string> } {
  const shape = SuiteDefaults.shape;
  const fields = Object.keys(shape) as (keyof typeof shape)[];
  if (raw === undefined || raw === null) return { defaults: {}, unusable: new Set() };
  if (typeof raw !== "object" || Array.isArray(raw)) return { defaults: {}, unusable: new Set(fields) };
  const defaults: Record<string, unknown> = {};
  const unusable = new Set<string>();
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in shape)) continue;
    const parsed = shape[key as keyof typeof shape].safeParse(value);
    if (!parsed.success) unusable.add(key);
    else if (key === "language" && typeof parsed.data === "string" && !isLanguageTag(parsed.data)) {
      unusable.add(key);
      problems.push({
        file: src.file,
        ...positionOf(src, ["defaults", "language"]),
        message: `defaults.language: \`${parsed.data}\` is not a BCP 47 language tag`,
        hint: "use a tag such as de, pt-BR or zh-Hans",
      });
    } else if (parsed.data !== undefined) defaults[key] = parsed.data;
  }
  return { defaults: defaults as Partial<SuiteDefaults>, unusable };
}

function stripExtensionKeys(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith("x-")));
}

/** Load, validate and cross-check suites; every problem is collected, none thrown. */
export async function loadSuites(globs: string[], opts: LoadOptions): Promise<LoadResult> {
  const cwd = opts.cwd ?? process.cwd();
  const { files, problems } = await discoverSuites(globs.length ? globs : DEFAULT_SUITE_GLOBS, cwd);
  const domains = new Map<string, Domain>();
  const missingDomains = new Set<string>();
  const scenarios: LoadedScenario[] = [];
  const suites: SuiteInfo[] = [];
  const seen = new Map<string, { file: string; line: number; col: number }>();
  const seenSuites = new Map<string, string>();

  for (const rel of files) {
    const abs = path.resolve(cwd, rel);
    const read = readUtf8(abs, rel);
    if ("problem" in read) {
      problems.push(read.problem);
      continue;
    }
    const text = read.text;
    const { source, problems: syntax } = parseYaml(rel, text);
    problems.push(...syntax);
    if (!source) continue;
    // Top-level `x-…` keys hold YAML anchors for reuse (as in OpenAPI and Compose files).
    const value = stripExtensionKeys(source.value);
    const parsed = Suite.safeParse(value);
    if (!parsed.success) {
      problems.push(...zodProblems(source, parsed.error.issues, [], suiteJsonSchema));
      // Scenarios can still be checked when only suite-level fields are wrong.
      if (!value || typeof value !== "object" || !Array.isArray((value as { scenarios?: unknown }).scenarios)) continue;
    }
    const file = parsed.success ? parsed.data : undefined;
    const raw = value as {
      suite?: unknown;
      domain?: unknown;
      scenarios: unknown[];
      defaults?: Record<string, unknown>;
    };
    const suiteName = file?.suite ?? String(raw.suite ?? rel);
    const domainName = file?.domain ?? (typeof raw.domain === "string" ? raw.domain : undefined);
    if (file) {
      const prior = seenSuites.get(file.suite);
      if (prior)
        problems.push({
          file: rel,
          ...positionOf(source, ["suite"]),
          message: `duplicate suite name \`${file.suite}\` (also in ${prior})`,
          hint: "suite names must be unique",
        });
      seenSuites.set(file.suite, rel);
    }
    let domain: Domain | undefined;
    if (domainName && !domains.has(domainName) && !missingDomains.has(domainName)) {
      const known = listDomains(opts.domainsDir);
      if (!known.includes(domainName)) {
        missingDomains.add(domainName);
      } else {
        const d = loadDomain(opts.domainsDir, domainName, problems);
        if (d) domains.set(domainName, d);
        else missingDomains.add(domainName);
      }
    }
    if (domainName && missingDomains.has(domainName) && !listDomains(opts.domainsDir).includes(domainName)) {
      const known = listDomains(opts.domainsDir);
      const guess = didYouMean(domainName, known);
      problems.push({
        file: rel,
        ...positionOf(source, ["domain"]),
        message: `unknown domain \`${domainName}\``,
        hint: guess ? `did you mean \`${guess}\`?` : `domains in ${opts.domainsDir}: ${known.join(", ") || "(none)"}`,
      });
    }
    if (domainName) domain = domains.get(domainName);
    // Each valid default applies even when another is wrong; a wrong one is reported once, where it is written.
    const { defaults, unusable } = usableDefaults(source, raw.defaults, problems);
    let count = 0;
    raw.scenarios.forEach((item, i) => {
      if (!item || typeof item !== "object" || Array.isArray(item)) {
        problems.push({
          file: rel,
          ...positionOf(source, ["scenarios", i]),
          message: `scenarios[${i}]: a scenario must be a mapping`,
        });
        return;
      }
      const merged: Record<string, unknown> = { ...item };
      for (const k of ["tier", "language", "intent", "trials", "volume"] as const) {
        if (merged[k] === undefined && defaults[k] !== undefined) merged[k] = defaults[k];
      }
      const sp = Scenario.safeParse(merged);
      if (!sp.success) {
        // A field left to a default that is itself wrong was reported at the default, not here again.
        const issues = sp.error.issues.filter(
          (issue) =>
            !(issue.path.length === 1 && unusable.has(String(issue.path[0])) && !(String(issue.path[0]) in item)),
        );
        problems.push(...zodProblems(source, issues, ["scenarios", i], scenarioJsonSchema));
        return;
      }
      const pos = positionOf(source, ["scenarios", i, "id"]);
      const loaded: LoadedScenario = {
        ...sp.data,
        suite: suiteName,
        domain: domainName ?? "",
        file: rel,
        line: pos.line,
        trials: sp.data.trials ?? (defaults.trials as number | undefined) ?? 1,
        max_turns: defaults.max_turns as number | undefined,
      };
      const dup = seen.get(loaded.id);
      if (dup) {
        problems.push({
          file: rel,
          ...pos,
          message: `duplicate scenario id \`${loaded.id}\` (first defined at ${dup.file}:${dup.line}:${dup.col})`,
          hint: "scenario ids must be unique across all suites; prefix them with the language or suite",
        });
      } else seen.set(loaded.id, { file: rel, ...pos });
      checkScenario(source, i, loaded, domain, problems);
      scenarios.push(loaded);
      count++;
    });
    if (file) {
      suites.push({
        suite: file.suite,
        title: file.title ?? file.suite,
        file: rel,
        domain: file.domain,
        sha256: createHash("sha256").update(text).digest("hex"),
        scenarios: count,
      });
    }
  }
  return { scenarios, suites, domains, problems: sortProblems(problems) };
}
