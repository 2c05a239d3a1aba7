import { z } from "zod";
import { Config } from "../config/schema.js";
import { DomainFile, ToolsFile } from "./domain-schema.js";
import { SuiteForEditors } from "./schema.js";

/** The JSON Schemas committed under schema/, generated from the zod schemas (the single source). */
export function jsonSchemas(): Record<string, unknown> {
  const gen = (schema: z.ZodType, title: string) => ({
    title,
    ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
  });
  return {
    "suite.schema.json": gen(SuiteForEditors, "supportbench suite"),
    "config.schema.json": gen(Config, "supportbench.config.yaml"),
    "domain.schema.json": gen(DomainFile, "supportbench domain pack (domain.yaml)"),
    "tools.schema.json": gen(ToolsFile, "supportbench domain tools (tools.yaml)"),
  };
}
