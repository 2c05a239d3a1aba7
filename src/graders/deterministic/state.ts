import { readPath, type WorldData } from "../../conversation/world.js";
import type { StateAssertion } from "../../suite/schema.js";
import { argMatches, foldText } from "../../suite/text-match.js";
import type { Grade } from "../schema.js";
import type { Grader } from "../types.js";
import { clip, grade } from "./shared.js";

function check(assertion: StateAssertion, found: boolean, value: unknown): { ok: boolean; want: string } {
  if (assertion !== null && typeof assertion === "object") {
    if (assertion.exists !== undefined && assertion.exists !== found)
      return { ok: false, want: assertion.exists ? "to exist" : "to be absent" };
    if (assertion.not !== undefined && found && argMatches(assertion.not, value))
      return { ok: false, want: `not ${JSON.stringify(assertion.not)}` };
    if (assertion.in !== undefined && !assertion.in.some((v) => argMatches(v, value)))
      return { ok: false, want: `one of ${JSON.stringify(assertion.in)}` };
    return { ok: true, want: JSON.stringify(assertion) };
  }
  if (assertion === null) return { ok: !found || value === null, want: "null" };
  return { ok: found && argMatches(assertion, value), want: JSON.stringify(assertion) };
}

/** Fields that record the conversation, not the business outcome. */
const IGNORED_FIELDS = new Set(["verified"]);

/** Free text a bot writes (a complaint summary, a pause reason): its presence counts, not its wording. */
function isProse(value: unknown): boolean {
  return typeof value === "string" && value.length > 24 && /\s/.test(value);
}

function comparable(world: WorldData): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, records] of Object.entries(world)) {
    const byId: Record<string, unknown> = {};
    for (const r of records) {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (!IGNORED_FIELDS.has(k)) copy[k] = v;
      byId[r.id] = copy;
    }
    out[name] = byId;
  }
  return out;
}

/**
 * A string as compared: folded (case, width, native digits), without punctuation, symbols or
 * spaces, except a dot, comma or minus that belongs to a number ("12.50" is not "1250", "-5" is
 * not "5", "2026-1-12" is not "2026-11-2"; "EH9 1HL" is "eh91hl").
 */
function comparableText(text: string): string {
  return foldText(text).replace(
    /(?<=\d)([.,-])(?=\d)|(-)(?=\d)|[\p{P}\p{S}\p{Z}\s]+/gu,
    (_all, inNumber: string | undefined, sign: string | undefined) => inNumber ?? sign ?? "",
  );
}

function isNumeric(value: unknown): boolean {
  return (
    (typeof value === "number" && Number.isFinite(value)) ||
    (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
  );
}

function show(value: unknown): string {
  return clip(JSON.stringify(value) ?? "undefined", 60);
}

/**
 * Where two values differ, as paths below `path` with both sides (empty when they agree). Strings
 * compare like the action and state grades: without regard to case, spaces or punctuation ("Flat 3,
 * 14 Marchmont Crescent" is "flat 3 14 marchmont crescent"); a number equals a string of the same
 * number; objects compare field by field and arrays item by item, so the differing field is named.
 * (Only a record's own prose fields are compared for presence; a street inside an address is not prose.)
 */
function valueDifferences(path: string, x: unknown, y: unknown, out: string[]): void {
  if (x === y) return;
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; i < Math.max(x.length, y.length); i++) valueDifferences(`${path}[${i}]`, x[i], y[i], out);
    return;
  }
  if (x && y && typeof x === "object" && typeof y === "object" && !Array.isArray(x) && !Array.isArray(y)) {
    const a = x as Record<string, unknown>;
    const b = y as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) valueDifferences(`${path}.${k}`, a[k], b[k], out);
    return;
  }
  if ((typeof x === "number" || typeof y === "number") && isNumeric(x) && isNumeric(y)) {
    if (Math.abs(Number(x) - Number(y)) < 1e-6) return;
  } else if (typeof x === "string" && typeof y === "string") {
    if (comparableText(x) === comparableText(y)) return;
  }
  out.push(`${path}: ${show(x)}, gold ${show(y)}`);
}

/** Paths where two worlds differ (record level, down to the differing field inside nested values). */
export function worldDifferences(a: WorldData, b: WorldData): string[] {
  const ca = comparable(a);
  const cb = comparable(b);
  const diffs: string[] = [];
  for (const name of new Set([...Object.keys(ca), ...Object.keys(cb)])) {
    const ra = ca[name] ?? {};
    const rb = cb[name] ?? {};
    for (const id of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      const x = ra[id] as Record<string, unknown> | undefined;
      const y = rb[id] as Record<string, unknown> | undefined;
      if (!x || !y) {
        diffs.push(`${name}.${id} ${x ? "is not in the gold outcome" : "is missing"}`);
        continue;
      }
      for (const f of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (isProse(x[f]) && isProse(y[f])) continue;
        valueDifferences(`${name}.${id}.${f}`, x[f], y[f], diffs);
      }
    }
  }
  return diffs;
}

/** Final-world assertions, no mutation the scenario does not allow, and the gold reference's outcome. */
export const gradeState: Grader = ({ scenario, domain, conversation, finalWorld, referenceWorld }) => {
  if (conversation.tools_observed) {
    const wanted = Object.keys(scenario.expect.state).length > 0 || referenceWorld !== null;
    return wanted
      ? [
          grade("state", {
            criterion: "state",
            pass: null,
            hard: false,
            reason: "not graded: the bot runs its own tools, so its final world cannot be seen (bot mode)",
          }),
        ]
      : [];
  }
  const out: Grade[] = [];
  for (const [path, assertion] of Object.entries(scenario.expect.state)) {
    const { found, value } = readPath(finalWorld, path);
    const { ok, want } = check(assertion, found, value);
    out.push(
      grade("state", {
        criterion: "state",
        pass: ok,
        reason: ok
          ? `${path} is ${JSON.stringify(value)}`
          : `${path} is ${found ? JSON.stringify(value) : "absent"}, expected ${want}`,
      }),
    );
  }
  const mutating = new Set(domain.tools.filter((t) => t.mutates).map((t) => t.name));
  const allowed = new Set([...scenario.expect.actions.flatMap((a) => Object.keys(a)), ...scenario.expect.may]);
  const unexpected = conversation.world_diff.filter((c) => c.tool && mutating.has(c.tool) && !allowed.has(c.tool));
  out.push(
    grade("state", {
      criterion: "state",
      pass: unexpected.length === 0,
      reason: unexpected.length
        ? `unexpected change${unexpected.length > 1 ? "s" : ""}: ${unexpected
            .slice(0, 3)
            .map((c) => `${c.path} by ${c.tool}`)
            .join("; ")}`
        : "no change the scenario does not allow",
      detail: { unexpected: unexpected.map((c) => c.path) },
    }),
  );
  if (referenceWorld) {
    const diffs = worldDifferences(finalWorld, referenceWorld);
    out.push(
      grade("state", {
        criterion: "outcome",
        pass: diffs.length === 0,
        reason: diffs.length
          ? `final state differs from the gold outcome: ${diffs.slice(0, 3).join("; ")}`
          : "final state equals the gold outcome",
        detail: { differences: diffs.slice(0, 20) },
      }),
    );
  }
  return out;
};
