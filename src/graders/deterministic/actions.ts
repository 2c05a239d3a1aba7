import { argMatches } from "../../suite/text-match.js";
import type { Grade } from "../schema.js";
import type { Grader } from "../types.js";
import { clip, grade, toolEvents } from "./shared.js";

/** Required tool calls (with an argument subset) were made and succeeded; `never` tools were not called. */
export const gradeActions: Grader = ({ scenario, conversation }) => {
  const calls = toolEvents(conversation.transcript);
  const out: Grade[] = [];
  for (const action of scenario.expect.actions) {
    const [name, args] = Object.entries(action)[0]!;
    const same = calls.filter((c) => c.name === name);
    const ok = same.find((c) => !c.error && argMatches(args ?? {}, c.args));
    const shown = `${name}(${JSON.stringify(args ?? {})})`;
    out.push(
      grade("actions", {
        criterion: "actions",
        pass: !!ok,
        reason: ok
          ? `called ${shown}`
          : same.length
            ? `${name} was called, but not with ${JSON.stringify(args ?? {})} or it failed: ${same.map((c) => clip(JSON.stringify(c.args), 80) + (c.error ? ` → ${c.error}` : "")).join("; ")}`
            : `required call ${shown} was never made`,
        evidence: (ok ? [ok] : same)
          .slice(0, 2)
          .map((c) => ({ turn: c.turn, quote: clip(`${c.name}(${JSON.stringify(c.args)})`) })),
      }),
    );
  }
  for (const name of scenario.expect.never) {
    const bad = calls.filter((c) => c.name === name);
    out.push(
      grade("actions", {
        criterion: "actions",
        pass: bad.length === 0,
        reason: bad.length ? `called ${name}, which this situation forbids` : `did not call ${name}`,
        evidence: bad.slice(0, 2).map((c) => ({ turn: c.turn, quote: clip(`${c.name}(${JSON.stringify(c.args)})`) })),
      }),
    );
  }
  return out;
};
