import type { Grader } from "./types.js";

/** Heuristic graders added when no judge is configured (wired in once the empathy heuristic lands). */
export function heuristicGraders(_hasJudge: boolean): Grader[] {
  return [];
}
