import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";

/** Token prices per model (US dollars per 1M tokens) and the cost of a call. */

export const ModelPrice = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

export const PriceTable = z.record(z.string().min(1), ModelPrice);
export type PriceTable = z.infer<typeof PriceTable>;

export const PricingFile = z.strictObject({
  checked: z.string().optional(),
  models: PriceTable,
});
export type PricingFile = z.infer<typeof PricingFile>;

/** datasets/pricing.yaml, found the same way from src/ (tests) and dist/ (the package). */
export const DEFAULT_PRICING_PATH = fileURLToPath(new URL("../../datasets/pricing.yaml", import.meta.url));

let defaultTable: PriceTable | undefined;

/** Reads and validates a pricing file; the default one is read once per process. */
export function loadPriceTable(path: string = DEFAULT_PRICING_PATH): PriceTable {
  if (path === DEFAULT_PRICING_PATH && defaultTable) return defaultTable;
  const parsed = PricingFile.safeParse(parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    throw new Error(`${path}: not a valid price table: ${z.prettifyError(parsed.error)}`);
  }
  if (path === DEFAULT_PRICING_PATH) defaultTable = parsed.data.models;
  return parsed.data.models;
}

/** The price of a model: overrides first, then the table; exact name, else the longest "<entry>-…" prefix. */
export function priceOf(
  model: string,
  overrides: PriceTable = {},
  table: PriceTable = loadPriceTable(),
): ModelPrice | undefined {
  const name = normaliseModel(model);
  for (const source of [overrides, table]) {
    const exact = source[name] ?? source[model];
    if (exact) return exact;
    let best: string | undefined;
    for (const entry of Object.keys(source)) {
      const key = entry.toLowerCase();
      if (!name.startsWith(key) || !SNAPSHOT_SUFFIX.test(name.slice(key.length))) continue;
      if (!best || key.length > best.length) best = entry;
    }
    if (best) return source[best];
  }
  return undefined;
}

/** Cost in US dollars of one call, or undefined when the model has no price (unknown is not free). */
export function costOf(
  model: string,
  usage: { inputTokens: number; outputTokens: number },
  overrides: PriceTable = {},
  table?: PriceTable,
): number | undefined {
  const price = priceOf(model, overrides, table);
  if (!price) return undefined;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/**
 * What may follow an entry's name in a model name of the same price: a snapshot date
 * (`-20250514`, `-2024-07-18`), `-latest`, a Bedrock-style `-v1:0`, or a date and one of those.
 * A newer version (`claude-opus-4-7` after `claude-opus-4`) is another model whose price may
 * differ: it has no price until the table or the config gives it one.
 */
const SNAPSHOT_SUFFIX = /^(?:-\d{8}|-\d{4}-\d{2}-\d{2})?(?:-latest|-v\d+(?::\d+)?)?$/;

/** "openai/gpt-4o" (gateways) and "GPT-4o" price as "gpt-4o". */
function normaliseModel(model: string): string {
  const slash = model.lastIndexOf("/");
  return (slash >= 0 ? model.slice(slash + 1) : model).toLowerCase();
}
