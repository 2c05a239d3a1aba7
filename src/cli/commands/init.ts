import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { InputError } from "../../suite/problems.js";
import { PACKAGE_ROOT } from "../../version.js";
import type { CliIO } from "../io.js";

/** `supportbench init`: a config, a starter suite, a gate policy and a GitHub Actions workflow. */

export const INIT_TEMPLATES = path.join(PACKAGE_ROOT, "templates", "init");

/** Template → where it goes; `.github` is stored without its dot so that packaging keeps it. */
export const INIT_FILES: ReadonlyArray<{ template: string; target: string }> = [
  { template: "supportbench.config.yaml", target: "supportbench.config.yaml" },
  { template: "suites/starter.yaml", target: "suites/starter.yaml" },
  { template: "policies/gate.yaml", target: "policies/gate.yaml" },
  { template: "github/workflows/supportbench.yml", target: ".github/workflows/supportbench.yml" },
];

export interface ScaffoldOptions {
  /** Parallel CI shards in the workflow's matrix. */
  shards: number;
  force?: boolean;
  templates?: string;
  /** Paths in problems are shown relative to this folder. */
  cwd?: string;
}

/** Fill a template's placeholders (__SHARDS__, __SHARD_LIST__); GitHub's own ${{ … }} stays as it is. */
export function renderTemplate(text: string, options: Pick<ScaffoldOptions, "shards">): string {
  const list = `[${Array.from({ length: options.shards }, (_, i) => i + 1).join(", ")}]`;
  return text.replaceAll("__SHARD_LIST__", list).replaceAll("__SHARDS__", String(options.shards));
}

/** Write the starter files into dir; refuses (listing every clash) to overwrite anything unless forced. */
export function scaffold(dir: string, options: ScaffoldOptions): { written: string[]; overwritten: string[] } {
  const templates = options.templates ?? INIT_TEMPLATES;
  const existing = INIT_FILES.filter((f) => existsSync(path.join(dir, f.target))).map((f) => f.target);
  if (existing.length > 0 && !options.force) {
    throw new InputError(
      existing.map((f) => ({
        file: path.relative(options.cwd ?? dir, path.join(dir, f)) || f,
        line: 1,
        col: 1,
        message: "already exists; init leaves it alone",
        hint: "move it aside, or pass --force to overwrite the starter files",
      })),
    );
  }
  const written: string[] = [];
  for (const f of INIT_FILES) {
    const text = renderTemplate(readFileSync(path.join(templates, f.template), "utf8"), options);
    const target = path.join(dir, f.target);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    written.push(f.target);
  }
  return { written, overwritten: existing };
}

export function initCommand(program: Command, io: CliIO): void {
  program
    .command("init")
    .description("scaffold supportbench in a repository: config, starter suite, gate policy, GitHub Actions workflow")
    .argument("[dir]", "where to scaffold", ".")
    .option("--shards <n>", "parallel shards in the CI workflow", "2")
    .option("--force", "overwrite existing starter files")
    .action((dir: string, o: { shards: string; force?: boolean }) => {
      const shards = Number(o.shards);
      if (!Number.isInteger(shards) || shards < 1 || shards > 64) {
        throw new InputError([
          {
            file: "--shards",
            line: 1,
            col: 1,
            message: `--shards takes a whole number from 1 to 64, got "${o.shards}"`,
          },
        ]);
      }
      const root = path.resolve(io.cwd, dir);
      const { written, overwritten } = scaffold(root, { shards, force: o.force, cwd: io.cwd });
      const shown = path.relative(io.cwd, root) || ".";
      for (const f of written) io.stdout(`${overwritten.includes(f) ? "overwrote" : "wrote"} ${path.join(shown, f)}\n`);
      const cd = shown === "." ? "" : `  cd ${shown}\n`;
      io.stdout(
        [
          "",
          "Next steps:",
          `${cd}  npm install --save-dev supportbench     # if it is not a dependency yet`,
          "  npx supportbench run                        # the starter suite, offline, into reports/",
          "  npx supportbench gate reports --policy policies/gate.yaml",
          "  npx supportbench baseline update reports    # then commit supportbench-baseline.json",
          "Connect your bot in supportbench.config.yaml, add scenarios under suites/, and add",
          "reports/, shards/, merged/ and .supportbench-cache/ to .gitignore.",
          "",
        ].join("\n"),
      );
    });
}
