import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { InputError } from "../suite/problems.js";
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
  const text = readFileSync(file, "utf8");
  if (/\.(ya?ml)$/.test(file)) {
    const { source, problems } = parseYaml(rel, text);
    if (!source) throw new InputError(problems);
    const parsed = Config.safeParse(source.value ?? {});
    if (!parsed.success) throw new InputError(zodProblems(source, parsed.error.issues, [], configJsonSchema));
    return { config: parsed.data, file, text };
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    const hint = file.endsWith(".ts")
      ? "this Node cannot load TypeScript directly (Node 22.18+ can); use supportbench.config.yaml or .mjs"
      : "fix the module so that it can be imported";
    throw new InputError([
      { file: rel, line: 1, col: 1, message: `cannot load config: ${(err as Error).message.split("\n")[0]}`, hint },
    ]);
  }
  const parsed = Config.safeParse(mod.default ?? {});
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
