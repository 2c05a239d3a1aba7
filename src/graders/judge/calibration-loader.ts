import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Problem } from "../../suite/problems.js";
import { parseYaml, positionOf, showPath, zodProblems } from "../../suite/yaml-source.js";
import { CalibrationItem } from "./calibration-schema.js";

/** Reading labelled transcripts; every problem names its file and line. */

export interface ParsedSet {
  items: CalibrationItem[];
  /** The line each item starts on. */
  lines: number[];
  problems: Problem[];
}

const ITEM_JSON_SCHEMA = z.toJSONSchema(CalibrationItem, { io: "input", unrepresentable: "any" }) as Record<
  string,
  unknown
>;

function jsonErrorColumn(err: unknown, line: string): number {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : "");
  return m ? Math.min(Number(m[1]) + 1, line.length + 1) : 1;
}

function issueText(issue: z.core.$ZodIssue): string {
  const where = showPath(issue.path);
  if (issue.code === "unrecognized_keys") return `${where ? `${where}: ` : ""}unknown key(s) ${issue.keys.join(", ")}`;
  return `${where ? `${where}: ` : ""}${issue.message.replace(/^Invalid input: /, "")}`;
}

/** Parse JSONL text: one item per non-empty line; `//` lines are comments. */
export function parseCalibrationJsonl(text: string, file: string): ParsedSet {
  const items: CalibrationItem[] = [];
  const lines: number[] = [];
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("//")) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push({
        file,
        line: i + 1,
        col: jsonErrorColumn(err, line),
        message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
        hint: "each line of a .jsonl file is one complete JSON object",
      });
      return;
    }
    const parsed = CalibrationItem.safeParse(value);
    if (parsed.success) {
      items.push(parsed.data);
      lines.push(i + 1);
    } else
      for (const issue of parsed.error.issues) problems.push({ file, line: i + 1, col: 1, message: issueText(issue) });
  });
  return { items, lines, problems };
}

/** Parse YAML text: a list of items (or `items:` holding one), with positions for every problem. */
export function parseCalibrationYaml(text: string, file: string): ParsedSet {
  const { source, problems } = parseYaml(file, text);
  if (!source) return { items: [], lines: [], problems };
  const wrapped = source.value && typeof source.value === "object" && "items" in source.value;
  const list = wrapped ? (source.value as { items: unknown }).items : source.value;
  if (!Array.isArray(list)) {
    return {
      items: [],
      lines: [],
      problems: [{ file, line: 1, col: 1, message: "expected a list of labelled transcripts" }],
    };
  }
  const items: CalibrationItem[] = [];
  const lines: number[] = [];
  list.forEach((value, i) => {
    const path = wrapped ? ["items", i] : [i];
    const parsed = CalibrationItem.safeParse(value);
    if (parsed.success) {
      items.push(parsed.data);
      lines.push(positionOf(source, path).line);
    } else problems.push(...zodProblems(source, parsed.error.issues, path, ITEM_JSON_SCHEMA));
  });
  return { items, lines, problems };
}

/** Load every `*.jsonl`, `*.yaml` and `*.yml` file of a folder (sorted); ids must be unique across files. */
export async function loadCalibrationSet(dir: string): Promise<{ items: CalibrationItem[]; problems: Problem[] }> {
  const files = (await readdir(dir)).filter((f) => /\.(jsonl|ya?ml)$/.test(f)).sort();
  const items: CalibrationItem[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const name of files) {
    const file = join(dir, name);
    const text = await readFile(file, "utf8");
    const out = name.endsWith(".jsonl") ? parseCalibrationJsonl(text, file) : parseCalibrationYaml(text, file);
    problems.push(...out.problems);
    out.items.forEach((item, i) => {
      const line = out.lines[i] ?? 1;
      const first = seen.get(item.id);
      if (first) {
        problems.push({
          file,
          line,
          col: 1,
          message: `id \`${item.id}\` is also used at ${first}`,
          hint: "ids must be unique",
        });
        return;
      }
      seen.set(item.id, `${file}:${line}`);
      items.push(item);
    });
  }
  if (!files.length)
    problems.push({ file: dir, line: 1, col: 1, message: "no .jsonl or .yaml files of labelled transcripts" });
  return { items, problems };
}
