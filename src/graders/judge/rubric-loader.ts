import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Problem } from "../../suite/problems.js";
import { parseYaml, positionOf, zodProblems } from "../../suite/yaml-source.js";
import { type Rubric, RubricFile } from "./rubric-schema.js";

/** Loading judge rubrics from `graders/*.yaml`; problems come back with file:line:col. */

const RUBRIC_JSON_SCHEMA = z.toJSONSchema(RubricFile, { io: "input", unrepresentable: "any" }) as Record<
  string,
  unknown
>;

/** Parse one rubric file's text. */
export function parseRubric(text: string, file: string): { rubric?: Rubric; problems: Problem[] } {
  const { source, problems } = parseYaml(file, text);
  if (!source) return { problems };
  const parsed = RubricFile.safeParse(source.value);
  if (!parsed.success) return { problems: zodProblems(source, parsed.error.issues, [], RUBRIC_JSON_SCHEMA) };
  const out: Problem[] = [];
  const seen = new Set<string>();
  parsed.data.criteria.forEach((c, i) => {
    if (seen.has(c.id)) {
      out.push({ file, ...positionOf(source, ["criteria", i, "id"]), message: `criterion \`${c.id}\` appears twice` });
    }
    seen.add(c.id);
  });
  return out.length ? { problems: out } : { rubric: { ...parsed.data, file }, problems: [] };
}

/** Criterion ids name grades, so they must be unique across the rubrics of one judge. */
export function checkRubricSet(rubrics: readonly Rubric[]): Problem[] {
  const owner = new Map<string, string>();
  const problems: Problem[] = [];
  for (const r of rubrics) {
    for (const c of r.criteria) {
      const first = owner.get(c.id);
      if (first) {
        problems.push({
          file: r.file,
          line: 1,
          col: 1,
          message: `criterion \`${c.id}\` is also defined in ${first}`,
          hint: "rename one of them; criterion ids name grades",
        });
      } else owner.set(c.id, r.file);
    }
  }
  return problems;
}

/** Load the rubrics of a folder (all, or those named); YAML files without a top-level `rubric:` key are other data. */
export async function loadRubrics(
  dir: string,
  names?: readonly string[],
): Promise<{ rubrics: Rubric[]; problems: Problem[] }> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const rubrics: Rubric[] = [];
  const problems: Problem[] = [];
  for (const name of files) {
    const file = join(dir, name);
    const text = await readFile(file, "utf8");
    if (!/^rubric\s*:/m.test(text)) continue;
    const out = parseRubric(text, file);
    problems.push(...out.problems);
    if (out.rubric && (!names || names.includes(out.rubric.rubric))) rubrics.push(out.rubric);
  }
  for (const n of names ?? []) {
    if (!rubrics.some((r) => r.rubric === n) && !problems.length) {
      problems.push({ file: dir, line: 1, col: 1, message: `no rubric named \`${n}\``, hint: "see graders/*.yaml" });
    }
  }
  problems.push(...checkRubricSet(rubrics));
  return { rubrics, problems };
}
