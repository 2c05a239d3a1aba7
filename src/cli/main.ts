#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { forgetRegisteredSecrets } from "../providers/redact.js";
import { VERSION } from "../version.js";
import { baselineCommand } from "./commands/baseline.js";
import { calibrateCommand } from "./commands/calibrate.js";
import { exportCommand } from "./commands/export.js";
import { gateCommand } from "./commands/gate.js";
import { gradeCommand } from "./commands/grade.js";
import { initCommand } from "./commands/init.js";
import { mergeCommand } from "./commands/merge.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { schemaCommand } from "./commands/schema.js";
import { selftestCommand } from "./commands/selftest.js";
import { validateCommand } from "./commands/validate.js";
import { type CliIO, EXIT, reportError } from "./io.js";

/** Build the command tree for one invocation (no global state, so tests can run many in-process). */
export function buildProgram(io: CliIO): Command {
  const program = new Command();
  program
    .name("supportbench")
    .description(
      "Evaluate customer-support bots before deployment: which conversations can they take, in which languages and tiers, and which must go to a person?",
    )
    .version(VERSION, "-v, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run supportbench --help for usage)");
  validateCommand(program, io);
  runCommand(program, io);
  selftestCommand(program, io);
  gradeCommand(program, io);
  calibrateCommand(program, io);
  reportCommand(program, io);
  mergeCommand(program, io);
  schemaCommand(program, io);
  gateCommand(program, io);
  baselineCommand(program, io);
  initCommand(program, io);
  exportCommand(program, io);
  return program;
}

/** Run the CLI; returns the exit code (0 ok, 1 failed gate/self-test, 2 bad input, 3 internal error). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  forgetRegisteredSecrets();
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")
        return EXIT.ok;
      return EXIT.input;
    }
    return reportError(err, io);
  }
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `supportbench validate | head` closes the pipe early; that is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY === true && process.env.CI !== "true",
  };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
