import path from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config/load.js";
import { gradeEscalation } from "../../graders/deterministic/escalation.js";
import { heuristicEmpathy } from "../../graders/empathy-heuristic.js";
import { calibrate, combineGraders, formatCalibrationReport } from "../../graders/judge/calibrate.js";
import { loadCalibrationSet } from "../../graders/judge/calibration-loader.js";
import { providerContext } from "../../run/run.js";
import { readRunMeta, writeJsonAtomic } from "../../run/run-dir.js";
import { resolveData } from "../../run/setup.js";
import { listDomains, loadDomainOrThrow } from "../../suite/domain.js";
import { InputError } from "../../suite/problems.js";
import { withInterrupt } from "../interrupt.js";
import { type CliIO, EXIT, ExitCode, wholeNumber } from "../io.js";
import { buildJudge } from "../judge-option.js";

export function calibrateCommand(program: Command, io: CliIO): void {
  program
    .command("calibrate")
    .description(
      "agreement of a judge (or the offline empathy heuristic) with labelled transcripts: weighted kappa, agreement, confusion",
    )
    .option(
      "--judge <spec>",
      "the judge to calibrate (repeatable: a panel); without it, the heuristic empathy grader",
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .option("--calibration <dir>", "labelled transcripts", "datasets/calibration")
    .option("--concurrency <n>", "transcripts graded at once", "4")
    .option("--json", "print the report as JSON")
    .option("--attach <run-dir>", "store the figures in a run's run.json, for its report")
    .option("--no-cache", "do not read or write the model-call cache")
    .option("-c, --config <file>", "config file")
    .action(
      async (o: {
        judge: string[];
        calibration: string;
        concurrency: string;
        json?: boolean;
        attach?: string;
        config?: string;
        cache?: boolean;
      }) => {
        const concurrency = wholeNumber("--concurrency", o.concurrency) ?? 4;
        const { config, file, text } = await loadConfig(io.cwd, o.config);
        const domainsDir = resolveData(io.cwd, config.domains);
        const domain = listDomains(domainsDir).includes("fjordpay")
          ? loadDomainOrThrow(domainsDir, "fjordpay")
          : undefined;
        const dir = resolveData(io.cwd, o.calibration);
        const { items, problems } = await loadCalibrationSet(dir);
        if (problems.length) throw new InputError(problems);
        if (!items.length)
          throw new InputError([
            { file: dir, line: 1, col: 1, message: "no labelled transcripts here", hint: "see docs/calibration.md" },
          ]);
        const ws = { cwd: io.cwd, config, configFile: file, configText: text };
        const judge = o.judge.length
          ? await buildJudge(o.judge, ws, providerContext(ws, { env: io.env, noCache: o.cache === false }), io, [])
          : undefined;
        const grader = combineGraders(judge ? judge.grader : heuristicEmpathy, gradeEscalation);
        const report = await withInterrupt(io, (signal) =>
          calibrate({ grader, transcripts: items, domain, concurrency, signal }),
        );
        const labelled = { ...report, grader: judge?.id ?? "heuristic:empathy", kind: judge ? "judge" : "heuristic" };
        // Agreement needs grades: a judge whose every call failed measured nothing.
        const judged = labelled.pairs.filter((p) => p.label !== "escalation_correct").length;
        if (judge && judged === 0) {
          io.stdout(o.json ? `${JSON.stringify(labelled, null, 2)}\n` : `${formatCalibrationReport(labelled)}\n`);
          const first = labelled.errors[0];
          io.stderr(
            `calibrate: ${judge.id} graded none of the ${labelled.items} transcripts (${labelled.errors.length} grader errors${first ? `; first: ${first.message}` : ""}); no agreement was measured${o.attach ? " and nothing was attached" : ""}\n  hint: check the judge's API key, model name and base URL (docs/judge.md)\n`,
          );
          throw new ExitCode(EXIT.failed);
        }
        if (o.attach) {
          const runDir = path.resolve(io.cwd, o.attach);
          writeJsonAtomic(path.join(runDir, "run.json"), { ...readRunMeta(runDir), calibration: labelled });
        }
        io.stdout(o.json ? `${JSON.stringify(labelled, null, 2)}\n` : `${formatCalibrationReport(labelled)}\n`);
      },
    );
}
