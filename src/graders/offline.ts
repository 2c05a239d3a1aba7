import { heuristicEmpathy } from "./empathy-heuristic.js";
import type { Grader } from "./types.js";

/** Heuristic graders for runs without a judge: offline empathy, always labelled heuristic. */
export function heuristicGraders(hasJudge: boolean): Grader[] {
  return hasJudge ? [] : [heuristicEmpathy];
}
