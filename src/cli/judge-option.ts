import type { ProviderEntry } from "../config/schema.js";
import { createJudge, type Judge } from "../graders/judge/judge.js";
import { loadRubrics } from "../graders/judge/rubric-loader.js";
import { sameFamilyWarning } from "../providers/model-family.js";
import { createProvider, normalizeEntry, type ProviderContext } from "../providers/registry.js";
import { resolveData, type Workspace } from "../run/setup.js";
import { InputError } from "../suite/problems.js";
import type { CliIO } from "./io.js";

/** The judge from --judge flags (a panel when repeated) or the config's `judge`; undefined when neither. */
export async function buildJudge(
  flags: string[] | undefined,
  ws: Pick<Workspace, "cwd" | "config">,
  ctx: ProviderContext,
  io: CliIO,
  candidateIds: string[] = ws.config.candidates.map((c) => normalizeEntry(c).id ?? normalizeEntry(c).provider),
): Promise<{ grader: Judge; id: string } | undefined> {
  const cfg = ws.config.judge;
  let entries: ProviderEntry[];
  let aggregate: "mean" | "majority" = "mean";
  let samples = 1;
  if (flags?.length) entries = flags;
  else if (!cfg) return undefined;
  else if (typeof cfg === "object" && "panel" in cfg) {
    entries = cfg.panel;
    aggregate = cfg.aggregate;
    samples = cfg.samples;
  } else entries = [cfg as ProviderEntry];
  const judges = [];
  for (const e of entries) judges.push((await createProvider(e, ctx)).candidate);
  const dir = resolveData(ws.cwd, ws.config.rubrics);
  const { rubrics, problems } = await loadRubrics(dir);
  if (problems.length) throw new InputError(problems);
  const judge = createJudge({ judges, rubrics, aggregate, samples });
  for (const j of judges) {
    for (const c of candidateIds) {
      const w = sameFamilyWarning(j.id, c, { judge: j.family });
      if (w) io.stderr(`warning: ${w}\n`);
    }
  }
  return { grader: judge, id: judge.id };
}
