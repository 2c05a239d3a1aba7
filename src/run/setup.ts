import { existsSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import type { ToolImplementations } from "../conversation/tool-types.js";
import { loadToolImplementations } from "../conversation/tools/index.js";
import { type LoadResult, loadSuites } from "../suite/load.js";
import { InputError } from "../suite/problems.js";
import { PACKAGE_ROOT } from "../version.js";

export interface Workspace {
  cwd: string;
  config: Config;
  configFile: string | null;
  configText: string;
  loaded: LoadResult;
  tools: Map<string, ToolImplementations>;
  globs: string[];
}

/** A path from the config, resolved in cwd, or in the package when cwd does not have it (bundled data). */
export function resolveData(cwd: string, p: string): string {
  const local = path.resolve(cwd, p);
  if (existsSync(local)) return local;
  const bundled = path.resolve(PACKAGE_ROOT, p);
  return existsSync(bundled) ? bundled : local;
}

/** Load config, suites, domains and tool implementations; any input problem becomes an InputError. */
export async function openWorkspace(cwd: string, opts: { config?: string; globs?: string[] }): Promise<Workspace> {
  const { config, file, text } = await loadConfig(cwd, opts.config);
  const globs = opts.globs?.length ? opts.globs : config.suites;
  // With no suites of its own, cwd falls back to the bundled benchmark.
  const suiteRoot = !opts.globs?.length && !file && !existsSync(path.join(cwd, "suites")) ? PACKAGE_ROOT : cwd;
  const loaded = await loadSuites(globs, { cwd: suiteRoot, domainsDir: resolveData(cwd, config.domains) });
  if (loaded.problems.length) throw new InputError(loaded.problems);
  const tools = new Map<string, ToolImplementations>();
  for (const [name, domain] of loaded.domains) {
    try {
      tools.set(name, await loadToolImplementations(domain.implementation, domain.dir));
    } catch (err) {
      throw new InputError([
        {
          file: path.join(domain.dir, "domain.yaml"),
          line: 1,
          col: 1,
          message: `implementation: ${(err as Error).message}`,
        },
      ]);
    }
    const missing = domain.tools.filter(
      (t) => !["escalate_to_human", "search_help_center"].includes(t.name) && !tools.get(name)![t.name],
    );
    if (missing.length) {
      throw new InputError([
        {
          file: path.join(domain.dir, "domain.yaml"),
          line: 1,
          col: 1,
          message: `tools declared but not implemented: ${missing.map((t) => t.name).join(", ")}`,
        },
      ]);
    }
  }
  return { cwd, config, configFile: file, configText: text, loaded, tools, globs };
}
