import type { ToolCall, ToolSpec } from "../providers/types.js";
import type { Domain } from "../suite/domain-schema.js";
import { type KbIndex, kbIndexFor } from "../suite/kb-index.js";
import type { Change } from "./schema.js";
import { type ToolImplementations, ToolRefusal } from "./tool-types.js";
import type { World } from "./world.js";

/** The result of one tool call as the engine records it. */
export interface ToolOutcome {
  result: unknown;
  error?: string;
  changes: Change[];
  handoff?: { reason: string; summary: string };
}

/** Runs a domain's tools over one conversation's world; deterministic, in-process. */
export class ToolEnvironment {
  private readonly verified = new Set<string>();
  private readonly kb: KbIndex;
  private readonly kbLanguage: string;

  constructor(
    private readonly domain: Domain,
    private readonly impl: ToolImplementations,
    readonly world: World,
    private readonly language: string,
  ) {
    const { index, language: kbLanguage } = kbIndexFor(domain.kb, language);
    this.kb = index;
    this.kbLanguage = kbLanguage;
  }

  /** The tools offered to the bot, as JSON-Schema specs. */
  specs(): ToolSpec[] {
    return this.domain.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  }

  /** Customers verified so far in this conversation. */
  verifiedCustomers(): ReadonlySet<string> {
    return this.verified;
  }

  run(call: ToolCall): ToolOutcome {
    const args = (call.args && typeof call.args === "object" ? call.args : {}) as Record<string, unknown>;
    if (call.name === "escalate_to_human") {
      const reason = typeof args.reason === "string" ? args.reason : "";
      const summary = typeof args.summary === "string" ? args.summary : "";
      return { result: { status: "handed_off" }, changes: [], handoff: { reason, summary } };
    }
    if (call.name === "search_help_center") {
      const hits = this.kb.search(String(args.query ?? ""), 3);
      return {
        result: {
          language: this.kbLanguage,
          articles: hits.map((h) => ({ id: h.article.id, title: h.article.title, body: h.article.body })),
        },
        changes: [],
      };
    }
    const fn = this.impl[call.name];
    if (!fn || !this.domain.tools.some((t) => t.name === call.name)) {
      return { result: { error: `unknown tool ${call.name}` }, error: `unknown tool ${call.name}`, changes: [] };
    }
    const mark = this.world.changes.length;
    this.world.currentTool = call.name;
    try {
      const result = fn(args, this.world, { verifiedCustomers: this.verified, language: this.language });
      if (call.name === this.domain.verificationTool && isVerified(result) && typeof args.customer_id === "string") {
        this.verified.add(args.customer_id);
      }
      return { result, changes: this.world.changes.slice(mark) };
    } catch (err) {
      const message = err instanceof ToolRefusal ? err.message : `tool failed: ${(err as Error).message}`;
      return { result: { error: message }, error: message, changes: this.world.changes.slice(mark) };
    } finally {
      this.world.currentTool = undefined;
    }
  }
}

function isVerified(result: unknown): boolean {
  return !!result && typeof result === "object" && (result as { verified?: unknown }).verified === true;
}
