import { z } from "zod";

/**
 * supportbench-baseline.json: the compact record of a run that a repository commits so CI can compare
 * every change with it. It keeps exactly what the paired test needs (each candidate's verdict per
 * scenario and trial) plus the suites' hashes, so a changed scenario file is noticed.
 */

export const BASELINE_FORMAT = "supportbench-baseline";
export const BASELINE_VERSION = 1;

/** One letter per trial index: P pass, F fail, E error (left out of the test), "." not recorded. */
export const TrialVerdicts = z.string().regex(/^[PFE.]+$/, "one letter per trial: P (pass), F (fail), E (error), .");

export const BaselineSuite = z.strictObject({
  suite: z.string().min(1),
  sha256: z.string().min(1),
  scenarios: z.number().int().min(0),
});
export type BaselineSuite = z.infer<typeof BaselineSuite>;

export const BaselineFile = z.strictObject({
  format: z.literal(BASELINE_FORMAT),
  v: z.literal(BASELINE_VERSION),
  /** When the verdicts were recorded: the end of the latest run, so updating from the same run changes nothing. */
  created_at: z.string(),
  package_version: z.string(),
  /** The runs the verdicts come from. */
  runs: z.array(
    z.strictObject({ run: z.string(), git_commit: z.string().nullable(), started_at: z.string().nullable() }),
  ),
  suites: z.array(BaselineSuite),
  /** candidate → "suite/scenario" → verdicts by trial index. */
  verdicts: z.record(z.string(), z.record(z.string(), TrialVerdicts)),
});
export type BaselineFile = z.infer<typeof BaselineFile>;

export const baselineJsonSchema = z.toJSONSchema(BaselineFile, { io: "input" });
