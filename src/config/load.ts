import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { InputError } from "../suite/problems.js";
import { readUtf8OrThrow } from "../suite/read-text.js";
import { parseYaml, zodProblems } from "../suite/yaml-source.js";
import { Config } from "./schema.js";

export const CONFIG_NAMES = [
  "supportbench.config.yaml",
  "supportbench.config.yml",
  "supportbench.config.ts",
  "supportbench.config.mjs",
  "supportbench.config.js",
];

const configJsonSchema = z.toJSONSchema(Config, { io: "input" });

/** Find and load the config (explicit path, or the first default name in cwd); defaults when none. */
export async function loadConfig(
  cwd: string,
  explicit?: string,
): Promise<{ config: Config; file: string | null; text: string }> {
  const file = explicit
    ? path.resolve(cwd, explicit)
    : CONFIG_NAMES.map((n) => path.join(cwd, n)).find((f) => existsSync(f));
  if (!file) return { config: Config.parse({}), file: null, text: "" };
  const rel = path.relative(cwd, file) || file;
  if (!existsSync(file))
    throw new InputError([{ file: rel, line: 1, col: 1, message: "config file not found", hint: "check --config" }]);
  const text = readUtf8OrThrow(file, rel);
  if (/\.(ya?ml)$/.test(file)) {
    const { source, problems } = parseYaml(rel, text);
    if (!source) throw new InputError(problems);
    const parsed = Config.safeParse(source.value ?? {});
    if (!parsed.success) throw new InputError(zodProblems(source, parsed.error.issues, [], configJsonSchema));
    return { config: parsed.data, file, text };
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    const hint = file.endsWith(".ts")
      ? "this Node cannot load TypeScript directly (Node 22.18+ can); use supportbench.config.yaml or .mjs"
      : "fix the module so that it can be imported";
    throw new InputError([
      { file: rel, line: 1, col: 1, message: `cannot load config: ${(err as Error).message.split("\n")[0]}`, hint },
    ]);
  }
  if (!("default" in mod)) {
    const named = Object.keys(mod);
    throw new InputError([
      {
        file: rel,
        line: 1,
        col: 1,
        message: `the config module has no default export${named.length ? ` (it exports ${named.map((n) => `\`${n}\``).join(", ")})` : ""}`,
        hint: 'write `export default defineConfig({...})`, with `import { defineConfig } from "supportbench"`',
      },
    ]);
  }
  // A promise (e.g. from an async factory) is awaited: the config is what it resolves to.
  let exported: unknown;
  try {
    exported = await mod.default;
  } catch (err) {
    throw new InputError([
      {
        file: rel,
        line: 1,
        col: 1,
        message: `the config's default export is a promise that failed: ${(err as Error).message?.split("\n")[0] ?? String(err)}`,
        hint: "fix the code that builds the config",
      },
    ]);
  }
  if (exported === null || exported === undefined || typeof exported !== "object" || Array.isArray(exported)) {
    throw new InputError([
      {
        file: rel,
        line: 1,
        col: 1,
        message: `the config's default export is ${exported === null || exported === undefined ? String(exported) : Array.isArray(exported) ? "an array" : `a ${typeof exported}`}, not a config object`,
        hint: "write `export default defineConfig({...})`",
      },
    ]);
  }
  const parsed = Config.safeParse(exported);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((i) => ({
        file: rel,
        line: 1,
        col: 1,
        message: `${i.path.join(".") || "config"}: ${i.message}`,
        hint: "see docs/providers.md#the-config-file",
      })),
    );
  }
  return { config: parsed.data, file, text };
}
