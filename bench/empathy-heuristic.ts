/**
 * The offline empathy heuristic against the human empathy labels of datasets/calibration/, measured
 * so that tuning cannot flatter it: the items are split deterministically into a tuning half and a
 * held-out half, and the figures (quadratic-weighted kappa, exact and within-one agreement, bias)
 * are printed for each half and for the full set, per language too. Change the lexicon or the
 * scoring while looking at the tuning half only (`--only tuning`, `--show tuning`); the held-out
 * figures are the ones to believe, and they stop meaning anything once they steer a change.
 *
 * The split: per primary language, items ordered by human empathy label and then by the SHA-256
 * of their id, alternately tuning and held-out. Both halves get every language and the same
 * spread of labels, and the order depends on nothing the heuristic produces. Adding items can
 * move others between halves; record the figures with the date and the set size.
 *
 * Run: npx tsx bench/empathy-heuristic.ts [--calibration datasets/calibration]
 *        [--only tuning|held-out|full] [--show tuning|held-out|all] [--json]
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  createEmpathyHeuristic,
  type EmpathyLexicon,
  loadEmpathyLexicon,
  readConversation,
} from "../src/graders/empathy-heuristic.js";
import {
  type AgreementStats,
  type CalibrationPair,
  calibrate,
  calibrationInput,
  kappaWord,
  ordinalAgreement,
} from "../src/graders/judge/calibrate.js";
import { loadCalibrationSet } from "../src/graders/judge/calibration-loader.js";
import type { CalibrationItem } from "../src/graders/judge/calibration-schema.js";

export const HALVES = ["tuning", "held-out"] as const;
export type Half = (typeof HALVES)[number];
type SetName = Half | "full";

const primary = (tag: string) => tag.toLowerCase().split("-")[0] ?? tag;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Tuning or held-out for every item: per language, ordered by human empathy label then id hash, alternating. */
export function splitHalves(items: readonly CalibrationItem[]): Map<string, Half> {
  const byLanguage = new Map<string, CalibrationItem[]>();
  for (const item of items) {
    const l = primary(item.context.language);
    byLanguage.set(l, [...(byLanguage.get(l) ?? []), item]);
  }
  const half = new Map<string, Half>();
  for (const group of byLanguage.values()) {
    const ordered = [...group].sort(
      (a, b) => a.labels.empathy - b.labels.empathy || byCodeUnits(sha256(a.id), sha256(b.id)),
    );
    for (const [i, item] of ordered.entries()) half.set(item.id, HALVES[i % 2]!);
  }
  return half;
}

export interface HalfFigures {
  overall: AgreementStats;
  by_language: Record<string, AgreementStats>;
}

/** Agreement of the heuristic with the empathy labels on the tuning half, the held-out half and the full set. */
export async function heuristicFigures(
  items: readonly CalibrationItem[],
  lexicon: EmpathyLexicon,
): Promise<{ half: Map<string, Half>; figures: Record<SetName, HalfFigures> }> {
  const report = await calibrate({ grader: createEmpathyHeuristic(lexicon), transcripts: items });
  const half = splitHalves(items);
  const pairs = report.pairs.filter((p) => p.label === "empathy");
  const languages = [...new Set(pairs.map((p) => p.language))].sort();
  const stats = (list: readonly CalibrationPair[]) =>
    ordinalAgreement(
      list.map((p) => p.human as number),
      list.map((p) => p.grader as number),
    );
  const of = (list: CalibrationPair[]): HalfFigures => ({
    overall: stats(list),
    by_language: Object.fromEntries(languages.map((l) => [l, stats(list.filter((p) => p.language === l))])),
  });
  return {
    half,
    figures: {
      tuning: of(pairs.filter((p) => half.get(p.id) === "tuning")),
      "held-out": of(pairs.filter((p) => half.get(p.id) === "held-out")),
      full: of(pairs),
    },
  };
}

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)}%`);
const signed = (x: number | null) => (x === null ? "—" : `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(2)}`);
const kappa = (x: number | null) => (x === null ? "—" : x.toFixed(2));

function row(name: string, s: AgreementStats): string {
  return `${name.padEnd(12)}${String(s.n).padStart(4)}${kappa(s.kappa).padStart(8)}  ${kappaWord(s.kappa).padEnd(15)}${pct(s.exact).padStart(6)}${pct(s.within_one).padStart(6)}${signed(s.bias).padStart(7)}`;
}

/** Item by item, for tuning work: what the heuristic read, next to the label and its note. */
function showItems(items: readonly CalibrationItem[], half: Map<string, Half>, lexicon: EmpathyLexicon, which: string) {
  for (const item of items) {
    if (which !== "all" && half.get(item.id) !== which) continue;
    const input = calibrationInput(item);
    const read = readConversation(input.conversation.transcript, lexicon, item.context.language, item.context.tier);
    const off = Math.abs(read.score - item.labels.empathy);
    console.log(
      `\n${off === 0 ? " " : off > 1 ? "!" : "~"} ${item.id} [${item.context.language} tier ${item.context.tier}] human ${item.labels.empathy} heuristic ${read.score}` +
        ` (${Object.values(read.levels).join("/")}, need ${read.need}${read.stockOnly ? ", stock only" : ""}${read.overApology ? ", over-apology" : ""})`,
    );
    if (read.needQuotes.length) console.log(`  need: ${read.needQuotes.join(" | ")}`);
    for (const e of input.conversation.transcript) {
      if (e.type === "customer") console.log(`  C${e.turn}: ${e.text}`);
      if (e.type === "bot") console.log(`  B${e.turn}: ${e.text}`);
    }
    for (const t of read.turns) {
      const cues = t.cues.map(
        (c) =>
          `${c.mechanism.slice(0, 4)}${c.formulaic ? "(stock)" : ""}${c.bare ? "(bare)" : ""}${c.echo ? `(takes up "${c.echo}")` : ""}${c.question ? "(question)" : ""}: ${c.quote}`,
      );
      if (cues.length) console.log(`  cues B${t.turn}: ${cues.join(" | ")}`);
    }
    console.log(`  label note: ${item.labels.notes ?? ""}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      calibration: { type: "string", default: join(import.meta.dirname, "..", "datasets", "calibration") },
      only: { type: "string" },
      show: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const sets: SetName[] = values.only ? [values.only as SetName] : ["tuning", "held-out", "full"];
  if (!sets.every((s) => ["tuning", "held-out", "full"].includes(s)))
    throw new Error("--only: tuning, held-out or full");
  const { items, problems } = await loadCalibrationSet(values.calibration);
  if (problems.length) throw new Error(`calibration set has problems: ${problems.map((p) => p.message).join("; ")}`);
  const lexicon = loadEmpathyLexicon();
  const { half, figures } = await heuristicFigures(items, lexicon);
  const shown = Object.fromEntries(sets.map((s) => [s, figures[s]]));

  if (values.json) {
    const withoutMatrices = (_k: string, v: unknown) => (Array.isArray(v) && Array.isArray(v[0]) ? undefined : v);
    const json = { lexicon: lexicon.version, items: items.length, split: Object.fromEntries(half), figures: shown };
    console.log(JSON.stringify(json, withoutMatrices, 2));
  } else {
    const out = [
      `Empathy heuristic (empathy-lexicon@${lexicon.version}) against ${items.length} labelled transcripts`,
      "split: per language, by human label then SHA-256 of the id, alternately tuning and held-out",
      "",
      `${"".padEnd(12)}${"n".padStart(4)}${"kappa".padStart(8)}  ${"agreement".padEnd(15)}${"exact".padStart(6)}${"±1".padStart(6)}${"bias".padStart(7)}`,
      ...sets.map((s) => row(s, figures[s].overall)),
    ];
    for (const l of Object.keys(figures.full.by_language)) {
      out.push("", `${l}:`);
      for (const s of sets) out.push(row(`  ${s}`, figures[s].by_language[l]!));
    }
    for (const s of sets.filter((x) => x !== "tuning")) {
      out.push("", `${s}: rows human, columns heuristic (1 2 3 4 5)`);
      for (const [i, counts] of figures[s].overall.confusion.entries()) {
        out.push(`  ${i + 1} │ ${counts.map((v) => String(v).padStart(3)).join(" ")}`);
      }
    }
    console.log(out.join("\n"));
  }
  // Look at the tuning half only while changing anything, or the held-out figures flatter too.
  if (values.show) showItems(items, half, lexicon, values.show);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
