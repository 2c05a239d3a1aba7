import { appendFileSync, existsSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { analyze } from "../../analysis/analyze.js";
import { compareWithBaseline } from "../../gate/compare-baseline.js";
import { evaluateGate } from "../../gate/evaluate.js";
import type { GatePolicy } from "../../gate/policy-schema.js";
import { loadBaseline, loadRuns } from "../../gate/read-baseline.js";
import { readGatePolicyFile } from "../../gate/read-policy.js";
import { renderGateMarkdown, renderGateText } from "../../gate/render.js";
import type { BaselineComparison } from "../../gate/schema.js";
import { suitesOf, verdictTable } from "../../gate/verdicts.js";
import { resolveData } from "../../run/setup.js";
import { InputError } from "../../suite/problems.js";
import { type CliIO, EXIT, ExitCode } from "../io.js";

interface GateFlags {
  policy?: string;
  baseline?: string;
  candidate: string[];
  json?: boolean;
  markdown?: string;
}

function hasThresholds(p: GatePolicy): boolean {
  const pr = p.pass_rate;
  return Boolean(
    pr.overall ||
      Object.keys(pr.tier).length ||
      Object.keys(pr.intent).length ||
      Object.keys(pr.language).length ||
      p.missed_escalation_rate ||
      p.error_rate,
  );
}

export function gateCommand(program: Command, io: CliIO): void {
  program
    .command("gate")
    .description(
      "fail the build (exit 1) when a run misses the policy's thresholds or is significantly worse than its baseline",
    )
    .argument("<run-dirs...>", "the run to judge (a run folder, a folder holding `latest`, or shard runs)")
    .option("--policy <file>", "gate policy (default: policies/gate.yaml)")
    .option(
      "--baseline <run-dir|file>",
      "compare with this run or supportbench-baseline.json (default: the policy's baseline.file)",
    )
    .option("--candidate <name>", "gate only this candidate (repeatable)", collect, [])
    .option("--json", "print the result as JSON instead of the screen")
    .option("--markdown <file>", 'also append the result as Markdown to this file (e.g. "$GITHUB_STEP_SUMMARY")')
    .action(async (dirs: string[], o: GateFlags) => {
      const rel = (p: string) => path.relative(io.cwd, p) || p;
      const policyFile = resolveData(io.cwd, o.policy ?? "policies/gate.yaml");
      const { policy, source } = readGatePolicyFile(policyFile, rel(policyFile));
      const runs = await loadRuns(dirs.map((d) => path.resolve(io.cwd, d)));
      for (const w of runs.warnings) io.stderr(`warning: ${w}\n`);
      if (runs.lines.length === 0) {
        throw new InputError([
          { file: rel(runs.dirs[0] ?? dirs[0]!), line: 1, col: 1, message: "the run has no trials to judge" },
        ]);
      }
      const analysis = analyze(runs.lines, runs.metas, {
        minScenarios: policy.min_scenarios,
        confidence: policy.confidence,
        generatedAt: null,
      });
      const known = new Set(analysis.candidates.map((c) => c.candidate));
      const wanted = o.candidate.length ? o.candidate : (policy.candidates ?? []);
      const unknown = wanted.filter((c) => !known.has(c));
      if (unknown.length) {
        throw new InputError([
          {
            file: o.candidate.length ? "--candidate" : rel(policyFile),
            line: 1,
            col: 1,
            message: `not in the run: ${unknown.join(", ")}`,
            hint: `the run has ${[...known].join(", ")}`,
          },
        ]);
      }

      let comparison: BaselineComparison | null = null;
      let baselineNote: string | undefined;
      const baselinePath = o.baseline ?? policy.baseline.file;
      if (!o.baseline && policy.baseline.file && !existsSync(path.resolve(io.cwd, policy.baseline.file))) {
        baselineNote = `No baseline file ${policy.baseline.file} yet, so no paired comparison: write one with \`supportbench baseline update <run-dir> --out ${policy.baseline.file}\` and commit it.`;
      } else if (baselinePath) {
        const loaded = await loadBaseline(baselinePath, io.cwd);
        comparison = compareWithBaseline(
          { verdicts: verdictTable(runs.lines), suites: suitesOf(runs.metas) },
          loaded.baseline,
          {
            alpha: policy.baseline.alpha,
            minEffect: policy.baseline.min_effect,
            minScenarios: analysis.settings.min_scenarios,
            changedSuites: policy.baseline.changed_suites,
            seed: analysis.settings.seed,
          },
          loaded.source,
        );
      } else {
        baselineNote = "No baseline given: only absolute thresholds were checked (pass --baseline <run-dir|file>).";
      }
      if (!hasThresholds(policy) && !comparison) {
        throw new InputError([
          {
            file: rel(policyFile),
            line: 1,
            col: 1,
            message: "the policy checks nothing: it sets no threshold and no baseline was found",
            hint: "add pass_rate, missed_escalation_rate or error_rate rules, or a baseline",
          },
        ]);
      }

      const result = evaluateGate(analysis, policy, comparison, {
        candidates: o.candidate.length ? o.candidate : undefined,
        baselineNote,
        source,
      });
      io.stdout(o.json ? `${JSON.stringify(result, null, 2)}\n` : renderGateText(result, { policy: rel(policyFile) }));
      if (o.markdown) appendFileSync(path.resolve(io.cwd, o.markdown), renderGateMarkdown(result));
      if (!result.passed) throw new ExitCode(EXIT.failed);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
