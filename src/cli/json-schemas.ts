import { z } from "zod";
import { Config } from "../config/schema.js";
import { BaselineFile } from "../gate/baseline-schema.js";
import { GatePolicy } from "../gate/policy-schema.js";
import { DomainFile, ToolsFile } from "../suite/domain-schema.js";
import { SuiteForEditors } from "../suite/schema.js";

/** The JSON Schemas committed under schema/, generated from the zod schemas (the single source). */
export function jsonSchemas(): Record<string, unknown> {
  const gen = (schema: z.ZodType, title: string) => ({
    title,
    ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
  });
  return {
    // Top-level `x-…` keys hold YAML anchors; the loader ignores them.
    "suite.schema.json": { ...gen(SuiteForEditors, "supportbench suite"), patternProperties: { "^x-": {} } },
    "config.schema.json": gen(Config, "supportbench.config.yaml"),
    "domain.schema.json": gen(DomainFile, "supportbench domain pack (domain.yaml)"),
    "tools.schema.json": gen(ToolsFile, "supportbench domain tools (tools.yaml)"),
    "gate-policy.schema.json": gen(GatePolicy, "supportbench gate policy"),
    "baseline.schema.json": gen(BaselineFile, "supportbench baseline file"),
  };
}
