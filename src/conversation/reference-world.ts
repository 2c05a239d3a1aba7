import type { Domain } from "../suite/domain-schema.js";
import type { LoadedScenario } from "../suite/schema.js";
import { ToolEnvironment } from "./tool-env.js";
import type { ToolImplementations } from "./tool-types.js";
import { mergeWorld, World, type WorldData } from "./world.js";

/** The world the gold reference leaves behind (τ-bench style ground truth), or null without tool steps. */
export function referenceWorld(scenario: LoadedScenario, domain: Domain, tools: ToolImplementations): WorldData | null {
  const steps = scenario.reference.filter((s) => "tool" in s);
  if (steps.length === 0) return null;
  const world = new World(mergeWorld(domain.world, scenario.world));
  const env = new ToolEnvironment(domain, tools, world, scenario.language);
  scenario.reference.forEach((step, i) => {
    if ("tool" in step) env.run({ id: `gold-${i}`, name: step.tool, args: step.args });
  });
  return world.snapshot();
}
