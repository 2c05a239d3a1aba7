import type { Domain } from "../../suite/domain-schema.js";
import type { LoadedScenario, ReferenceStep } from "../../suite/schema.js";
import { argMatches, findKey, isIsoDate } from "../../suite/text-match.js";

/** Ways to break a gold reference, each aimed at the grader that must notice. */
export const MUTATIONS = {
  handoff_removed: "escalation",
  handoff_added: "escalation",
  language_swapped: "language",
  forbidden_inserted: "forbidden",
  forbidden_restyled: "forbidden",
  fact_removed: "facts",
  date_swapped: "facts",
  wrong_tool_argument: "actions",
  change_before_verification: "policy",
} as const;
export type Mutation = keyof typeof MUTATIONS;

export interface Mutant {
  mutation: Mutation;
  /** The grader expected to catch it. */
  target: string;
  reference: ReferenceStep[];
}

/** Replies in a language other than the scenario's, long enough to identify. */
const FOREIGN: Record<string, string> = {
  en: "Vielen Dank für Ihre Nachricht. Ich habe mir Ihr Anliegen angesehen und kümmere mich gerne darum, bitte haben Sie noch etwas Geduld.",
  other:
    "Thank you for your message. I have looked into your request and I am happy to take care of it for you, please bear with me a little longer.",
};

const isSay = (s: ReferenceStep): s is { say: string } => "say" in s;
const isTool = (s: ReferenceStep): s is { tool: string; args: Record<string, unknown> } => "tool" in s;

function mutateValue(v: unknown): unknown {
  if (typeof v === "number") return v + 7;
  if (typeof v === "string") {
    const m = /(\d+)(?!.*\d)/.exec(v);
    return m ? `${v.slice(0, m.index)}${Number(m[1]) + 1}${v.slice(m.index + m[1]!.length)}` : `${v}-x`;
  }
  if (typeof v === "boolean") return !v;
  return "wrong";
}

function removeKeys(text: string, alternatives: string[]): string {
  // findKey reports positions in the NFC form of the text; the dash folds to itself, so it never forms a key.
  let out = text.normalize("NFC");
  for (let guard = 0; guard < 50; guard++) {
    const hit = alternatives.map((k) => findKey(out, k)).find((m) => m !== null);
    if (!hit) break;
    out = `${out.slice(0, hit.index)}—${out.slice(hit.index + hit.length)}`;
  }
  return out;
}

/** A forbidden phrase as a bot would type it: typographic apostrophes and a capital, or in capitals. */
function restyle(phrase: string): string {
  const curly = phrase.replaceAll("'", "\u2019");
  const capital = curly.charAt(0).toLocaleUpperCase() + curly.slice(1);
  return capital !== phrase ? capital : phrase.toLocaleUpperCase();
}

/**
 * The reference's text with a fact's ISO date key written with day and month swapped, as in a
 * slip from 09.12.2026 to 12.09.2026. Only day-first (dotted), ISO and CJK forms are swapped: a
 * slashed date is ambiguous by design (see findKey), so its swap is no mistake a grader can see.
 */
function swapDate(text: string, iso: string): string | null {
  const [, month, day] = iso.split("-").map(Number) as [number, number, number];
  if (day > 12 || day === month) return null;
  const hit = findKey(text, iso);
  if (!hit) return null;
  const source = text.normalize("NFC");
  const written = source.slice(hit.index, hit.index + hit.length);
  if (written.includes("/")) return null;
  const tokens = written.split(/(\d+)/);
  const d = tokens.findIndex((t, i) => i % 2 === 1 && Number(t) === day && t.length <= 2);
  const m = tokens.findIndex((t, i) => i % 2 === 1 && i !== d && Number(t) === month && t.length <= 2);
  if (d < 0 || m < 0) return null;
  const pad = (n: number, like: string) => String(n).padStart(like.length, "0");
  [tokens[d], tokens[m]] = [pad(month, tokens[d]!), pad(day, tokens[m]!)];
  return `${source.slice(0, hit.index)}${tokens.join("")}${source.slice(hit.index + hit.length)}`;
}

/** The mutants that apply to a scenario (a mutation that cannot apply is left out, not counted). */
export function mutantsOf(s: LoadedScenario, domain: Domain): Mutant[] {
  const ref = s.reference;
  if (ref.length === 0) return [];
  const out: Mutant[] = [];
  const add = (mutation: Mutation, reference: ReferenceStep[]) =>
    out.push({ mutation, target: MUTATIONS[mutation], reference });
  const esc = s.expect.escalate;
  const required = esc === true || (typeof esc === "object" && esc.required);

  if (required && ref.some((r) => "handoff" in r))
    add(
      "handoff_removed",
      ref.filter((r) => !("handoff" in r)),
    );
  if (esc === false || (typeof esc === "object" && !esc.required)) {
    const at = ref.findIndex(isSay);
    if (at >= 0) {
      const reason = domain.handoffReasons.includes("customer_request")
        ? "customer_request"
        : domain.handoffReasons[0]!;
      add("handoff_added", [
        ...ref.slice(0, at + 1),
        { handoff: { reason, summary: "Customer needs help with their request; passing to a colleague." } },
      ]);
    }
  }
  const says = ref.map((r, i) => (isSay(r) ? i : -1)).filter((i) => i >= 0);
  if (says.length) {
    const primary = s.language.split("-")[0]!;
    const foreign = FOREIGN[primary] ?? FOREIGN.other!;
    const at = says.reduce((a, b) =>
      (ref[b] as { say: string }).say.length > (ref[a] as { say: string }).say.length ? b : a,
    );
    add(
      "language_swapped",
      ref.map((r, i) => (i === at ? { say: foreign } : r)),
    );
  }
  const phrase = s.expect.forbidden.flatMap((f) => (typeof f === "string" ? [] : (f.says ?? []))).at(0);
  if (phrase && says.length) {
    const at = says[says.length - 1]!;
    add(
      "forbidden_inserted",
      ref.map((r, i) => (i === at && isSay(r) ? { say: `${r.say} ${phrase}` } : r)),
    );
  }
  if (phrase && says.length && restyle(phrase) !== phrase) {
    const at = says[says.length - 1]!;
    add(
      "forbidden_restyled",
      ref.map((r, i) => (i === at && isSay(r) ? { say: `${r.say} ${restyle(phrase)}` } : r)),
    );
  }
  const dated = s.expect.facts
    .flatMap((f) => f.keys.flatMap((k) => (Array.isArray(k) ? [] : [k.trim()])))
    .find((k) => isIsoDate(k));
  if (dated) {
    let swapped = false;
    const mutated = ref.map((r) => {
      if (!isSay(r)) return r;
      let text = r.say;
      // Every mention of the date in the turn is swapped, as a bot that slipped would write it.
      for (let next = swapDate(text, dated), guard = 0; next !== null && guard < 10; guard++) {
        text = next;
        swapped = true;
        next = swapDate(text, dated);
      }
      return text === r.say ? r : { say: text };
    });
    // A mention left in a form that cannot be swapped (slashed) would still state the date.
    const clean = mutated.every((r) => !isSay(r) || findKey(r.say, dated) === null);
    if (swapped && clean) add("date_swapped", mutated);
  }
  const fact = s.expect.facts[0];
  if (fact) {
    const mutated = ref.map((r) => {
      if (!isSay(r)) return r;
      let text = r.say;
      for (const key of fact.keys) text = removeKeys(text, Array.isArray(key) ? key : [key]);
      return { say: text };
    });
    if (JSON.stringify(mutated) !== JSON.stringify(ref)) add("fact_removed", mutated);
  }
  const expected = new Map(s.expect.actions.flatMap((a) => Object.entries(a)));
  const mutating = new Set(domain.tools.filter((t) => t.mutates).map((t) => t.name));
  // Mutate the call that satisfies an expected action (not, say, a deliberately failed first attempt).
  const toolAt = ref.findIndex((r) => {
    if (!isTool(r)) return false;
    const subset = (expected.get(r.tool) ?? {}) as Record<string, unknown>;
    return Object.keys(subset).some((k) => k in r.args) && argMatches(subset, r.args);
  });
  const fallbackAt = ref.findIndex((r) => isTool(r) && mutating.has(r.tool) && Object.keys(r.args).length > 0);
  const at = toolAt >= 0 ? toolAt : fallbackAt;
  if (at >= 0) {
    const step = ref[at] as { tool: string; args: Record<string, unknown> };
    const subset = (expected.get(step.tool) ?? {}) as Record<string, unknown>;
    const arg = Object.keys(subset).find((k) => k in step.args) ?? Object.keys(step.args)[0]!;
    add(
      "wrong_tool_argument",
      ref.map((r, i) =>
        i === at ? { tool: step.tool, args: { ...step.args, [arg]: mutateValue(step.args[arg]) } } : r,
      ),
    );
  }
  const verifyAt = ref.findIndex((r) => isTool(r) && r.tool === domain.verificationTool);
  const guarded = new Set(domain.tools.filter((t) => t.requires_verification).map((t) => t.name));
  const changeAt = ref.findIndex((r, i) => i > verifyAt && isTool(r) && guarded.has(r.tool));
  if (verifyAt >= 0 && changeAt > verifyAt) {
    const moved = [...ref];
    const [step] = moved.splice(changeAt, 1);
    moved.splice(verifyAt, 0, step!);
    add("change_before_verification", moved);
  }
  return out;
}
