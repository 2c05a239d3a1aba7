import type { ProviderEntry } from "../config/schema.js";
import { createJudge, type Judge } from "../graders/judge/judge.js";
import { loadRubrics } from "../graders/judge/rubric-loader.js";
import { sameFamilyWarning } from "../providers/model-family.js";
import { createProvider, normalizeEntry, type ProviderContext } from "../providers/registry.js";
import type { Candidate } from "../providers/types.js";
import { configPlace, providerProblem, type Where } from "../run/run.js";
import { resolveData, type Workspace } from "../run/setup.js";
import { InputError } from "../suite/problems.js";
import type { CliIO } from "./io.js";

/** The candidate id of a provider entry (its `id`, else its spec), as runs record it. */
export function entryId(entry: ProviderEntry): string {
  const e = normalizeEntry(entry);
  return e.id ?? e.provider;
}

/**
 * The judge from --judge flags (a panel when repeated) or the config's `judge`; undefined when
 * neither. A judge that cannot be built (unknown provider, missing API key) is an input error
 * naming the flag or the config entry.
 */
export async function buildJudge(
  flags: string[] | undefined,
  ws: Pick<Workspace, "cwd" | "config"> & Partial<Pick<Workspace, "configFile" | "configText">>,
  ctx: ProviderContext,
  io: CliIO,
  candidateIds: string[] = ws.config.candidates.map(entryId),
): Promise<{ grader: Judge; id: string } | undefined> {
  const cfg = ws.config.judge;
  let entries: ProviderEntry[];
  let where: (i: number) => Where;
  let aggregate: "mean" | "majority" = "mean";
  let samples = 1;
  if (flags?.length) {
    entries = flags;
    where = () => ({ file: "--judge", line: 1, col: 1 });
  } else if (!cfg) return undefined;
  else if (typeof cfg === "object" && "panel" in cfg) {
    entries = cfg.panel;
    aggregate = cfg.aggregate;
    samples = cfg.samples;
    where = (i) => configPlace(ws, ["judge", "panel", i]);
  } else {
    entries = [cfg as ProviderEntry];
    where = () => configPlace(ws, ["judge"]);
  }
  const judges: Candidate[] = [];
  for (const [i, e] of entries.entries()) {
    try {
      judges.push((await createProvider(e, ctx)).candidate);
    } catch (err) {
      providerProblem(err, e, where(i), "judge");
    }
  }
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
