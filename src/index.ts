/** supportbench's programmatic API: config helper, contracts, and the stages for use from code. */

export { main } from "./cli/main.js";
export type { Config, ConfigInput, ProviderEntry } from "./config/schema.js";
export { defineConfig } from "./config/schema.js";
export { runConversation } from "./conversation/engine.js";
export type { ToolImplementation, ToolImplementations } from "./conversation/tool-types.js";
export { ToolRefusal } from "./conversation/tool-types.js";
export { World } from "./conversation/world.js";
export { gradeTrial } from "./graders/grade-trial.js";
export type { Grade, Verdict } from "./graders/schema.js";
export type { GradeInput, Grader } from "./graders/types.js";
export type { BotTurn, Candidate, Message, RespondRequest, ToolCall, ToolSpec } from "./providers/types.js";
export { ProviderError } from "./providers/types.js";
export type { ResultLine, RunMeta } from "./run/schema.js";
export { loadSuites } from "./suite/load.js";
