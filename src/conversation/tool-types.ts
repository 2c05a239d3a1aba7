import type { World } from "./world.js";

/** A domain tool: plain data in, plain data out, over the world (changes are logged by World). */
export type ToolImplementation = (args: Record<string, unknown>, world: World, ctx: ToolContext) => unknown;

export interface ToolContext {
  /** Customers whose identity was verified earlier in this conversation. */
  verifiedCustomers: ReadonlySet<string>;
  language: string;
}

/** Thrown by a tool for a refusal the bot should see (unknown order, amount too high, …). */
export class ToolRefusal extends Error {
  constructor(
    message: string,
    readonly code = "refused",
  ) {
    super(message);
    this.name = "ToolRefusal";
  }
}

/** A domain's tool implementations, by tool name. */
export type ToolImplementations = Record<string, ToolImplementation>;
