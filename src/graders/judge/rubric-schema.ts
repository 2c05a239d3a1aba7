import { z } from "zod";

/** Judge rubrics: `graders/*.yaml`, one file per rubric, versioned, with anchored levels 1–5. */

const CriterionId = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "a criterion id is lower-case letters, digits and '_', starting with a letter");

/** What the judge must see besides the transcript to grade a criterion. */
export const JudgeContext = z.enum(["policy", "help_centre", "expectations"]);
export type JudgeContext = z.infer<typeof JudgeContext>;

const Level = z.string().trim().min(1, "a level needs a description");

/** Anchored descriptions of each score; every level is required so the scale means the same to every judge. */
export const Levels = z.strictObject(
  { 1: Level, 2: Level, 3: Level, 4: Level, 5: Level },
  { error: "levels must be a map with exactly the keys 1, 2, 3, 4 and 5" },
);

export const RubricCriterion = z.strictObject({
  id: CriterionId,
  /** The question the judge answers, e.g. "How accurate is what the bot told the customer?". */
  question: z.string().trim().min(1),
  /** Notes for the judge: what counts, what does not. */
  guidance: z.string().trim().optional(),
  levels: Levels,
  /** A score at or above this passes; below fails. */
  pass_at: z.number().int().min(1).max(5).default(3),
  /** A failed hard criterion fails the trial. */
  hard: z.boolean().default(false),
  context: z.array(JudgeContext).default([]),
});
export type RubricCriterion = z.infer<typeof RubricCriterion>;

export const RubricFile = z.strictObject({
  $schema: z.string().optional(),
  rubric: CriterionId,
  version: z.string({ error: 'version must be a quoted string, e.g. version: "1.0"' }).min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  /** Where the rubric's ideas come from (papers, standards). */
  source: z.string().optional(),
  criteria: z.array(RubricCriterion).min(1, "a rubric needs at least one criterion"),
});
export type RubricFile = z.infer<typeof RubricFile>;

/** A loaded rubric and the file it came from. */
export interface Rubric extends RubricFile {
  file: string;
}
