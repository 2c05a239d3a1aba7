import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ToolImplementations } from "../tool-types.js";
import { fjordpayTools } from "./fjordpay.js";

const BUILTIN: Record<string, ToolImplementations> = { fjordpay: fjordpayTools };

/** Resolve a domain's `implementation`: `builtin:<name>` or an ES module exporting `tools`. */
export async function loadToolImplementations(spec: string, domainDir: string): Promise<ToolImplementations> {
  if (spec.startsWith("builtin:")) {
    const impl = BUILTIN[spec.slice("builtin:".length)];
    if (!impl)
      throw new Error(
        `unknown built-in tool implementation \`${spec}\`; known: ${Object.keys(BUILTIN)
          .map((k) => `builtin:${k}`)
          .join(", ")}`,
      );
    return impl;
  }
  const mod = (await import(pathToFileURL(path.resolve(domainDir, spec)).href)) as {
    tools?: ToolImplementations;
    default?: ToolImplementations;
  };
  const tools = mod.tools ?? mod.default;
  if (!tools) throw new Error(`${spec} exports no \`tools\``);
  return tools;
}
