import type { Conversation } from "../conversation/schema.js";
import type { WorldData } from "../conversation/world.js";
import type { Domain } from "../suite/domain-schema.js";
import type { LoadedScenario } from "../suite/schema.js";
import type { Grade } from "./schema.js";

/** Everything a grader may read about one finished trial. Graders never run the bot. */
export interface GradeInput {
  scenario: LoadedScenario;
  domain: Domain;
  conversation: Conversation;
  /** The world the conversation started from and the one it left. */
  initialWorld: WorldData;
  finalWorld: WorldData;
  /** The world the scenario's gold reference leaves, when it has tool steps. */
  referenceWorld: WorldData | null;
}

/** A deterministic or heuristic grader: a pure function of the trial. */
export type Grader = (input: GradeInput) => Grade[];

/** A grader that needs a model call (the judge). */
export type AsyncGrader = (input: GradeInput, signal: AbortSignal) => Promise<Grade[]>;
