import type { WorldData } from "../../conversation/world.js";
import type { Domain } from "../../suite/domain-schema.js";
import type { isReplyInLanguage as Check, compileNameFilter as Compile, NameFilter } from "../language-id.js";
import type { Grader } from "../types.js";
import { botTurns, clip, grade } from "./shared.js";

let check: typeof Check | undefined;
let compile: typeof Compile | undefined;

/** Load the language identifier (a large n-gram model) once, only when a trial is graded. */
export async function prepareLanguageGrader(): Promise<void> {
  if (check && compile) return;
  const module = await import("../language-id.js");
  check = module.isReplyInLanguage;
  compile = module.compileNameFilter;
}

// Record fields that hold a person's or business's name, in any collection of the world.
const NAME_FIELDS: readonly string[] = ["name", "first_name", "last_name", "display_name", "merchant"];
// Collections of people, whose names are also written in parts ("Hi Ingrid").
const PEOPLE: readonly string[] = ["customers"];

/** The brand: the domain's name ("fjordpay", "acme_bank" as "acme bank") and its title's leading capitalised words. */
export function brandNames(domain: Pick<Domain, "name" | "title">): string[] {
  const words = domain.title.trim().split(/\s+/u);
  const lead: string[] = [];
  for (const word of words) {
    const first = word.charAt(0);
    if (!/\p{L}/u.test(first) || first === first.toLowerCase()) break;
    lead.push(word.replace(/[\p{P}]+$/u, ""));
  }
  return [domain.name.replace(/[_-]+/g, " "), ...(lead.length > 0 ? [lead.join(" ")] : [])];
}

/** A person's name and its capitalised parts (Daan de Vries: "Daan de Vries", "Daan", "Vries"). */
function nameAndParts(name: string): string[] {
  const parts = name
    .trim()
    .split(/\s+/u)
    .filter((part) => part.length >= 2 && part.charAt(0) !== part.charAt(0).toLowerCase());
  return [name, ...parts];
}

/** The proper names a reply of this trial may contain: customers, merchants and the persona. */
export function worldNames(world: WorldData, persona?: string): string[] {
  const names: string[] = persona ? nameAndParts(persona) : [];
  for (const [collection, records] of Object.entries(world)) {
    const people = PEOPLE.includes(collection);
    for (const record of records) {
      for (const field of NAME_FIELDS) {
        const value = record[field];
        if (typeof value !== "string" || value.trim() === "") continue;
        if (people && field !== "merchant") names.push(...nameAndParts(value));
        else names.push(value);
      }
    }
  }
  return names;
}

// The world a scenario starts from is made once per scenario (mergeWorld), so filters are kept per world.
const filters = new WeakMap<WorldData, Map<string, NameFilter>>();

function nameFilter(domain: Domain, world: WorldData, persona: string | undefined): NameFilter | undefined {
  if (!compile) return undefined;
  let byKey = filters.get(world);
  if (!byKey) {
    byKey = new Map();
    filters.set(world, byKey);
  }
  const key = `${domain.name}\u0000${domain.title}\u0000${persona ?? ""}`;
  let filter = byKey.get(key);
  if (!filter) {
    filter = compile({ brands: brandNames(domain), names: worldNames(world, persona) });
    if (byKey.size < 64) byKey.set(key, filter);
  }
  return filter;
}

/**
 * Every bot turn is written in the scenario's language. The brand and the names of the scenario's
 * people and merchants are stripped first, like ids and amounts; turns too short to identify then
 * are skipped.
 */
export const gradeLanguage: Grader = ({ scenario, domain, conversation, initialWorld }) => {
  const isReplyInLanguage = check;
  if (!isReplyInLanguage) throw new Error("prepareLanguageGrader() must run before gradeLanguage");
  const names = nameFilter(domain, initialWorld, scenario.persona.name);
  const turns = botTurns(conversation.transcript);
  const judged = turns
    .map((t) => ({ t, r: isReplyInLanguage(t.text, scenario.language, names) }))
    .filter((x) => x.r.ok !== null);
  if (judged.length === 0) {
    return [
      grade("language", {
        criterion: "language",
        pass: null,
        hard: false,
        reason: "no bot turn long enough to identify its language",
      }),
    ];
  }
  const wrong = judged.filter((x) => x.r.ok === false);
  return [
    grade("language", {
      criterion: "language",
      pass: wrong.length === 0,
      score: (judged.length - wrong.length) / judged.length,
      reason: wrong.length
        ? `${wrong.length} of ${judged.length} bot turns not in ${scenario.language} (${wrong.map((w) => w.r.reason).join("; ")})`
        : `all ${judged.length} identifiable bot turns in ${scenario.language}`,
      evidence: wrong.slice(0, 3).map((w) => ({ turn: w.t.turn, quote: clip(w.t.text) })),
    }),
  ];
};
