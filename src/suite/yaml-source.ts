import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { didYouMean, type Problem } from "./problems.js";

/** A parsed YAML file that can answer "where was this value written?". */
export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  value: unknown;
}

type Path = readonly PropertyKey[];

/** Parse YAML text with positions; syntax problems come back as values. */
export function parseYaml(file: string, text: string): { source?: YamlSource; problems: Problem[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "" || body.split(/\r?\n/).every((l) => l.trim() === "" || l.trim().startsWith("#"))) {
    return {
      problems: [{ file, line: 1, col: 1, message: "the file is empty", hint: "add content or delete the file" }],
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(body, { lineCounter: lines, uniqueKeys: true, merge: true, prettyErrors: false });
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return { file, line: pos.line, col: pos.col, message: yamlMessage(e.message), hint: yamlHint(e.code, e.message) };
  });
  if (problems.length > 0) return { problems };
  return { source: { file, doc, lines, value: doc.toJS({ maxAliasCount: 1000 }) }, problems };
}

function yamlMessage(message: string): string {
  const first = (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
  return `YAML: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

function yamlHint(code: string, message: string): string | undefined {
  switch (code) {
    case "DUPLICATE_KEY":
      return "each key may appear once in a mapping; remove or rename one of them";
    case "TAB_AS_INDENT":
      return "YAML indentation must use spaces, not tabs";
    case "MISSING_CHAR":
      return /quote/i.test(message) ? "close the quoted string on the same logical value" : undefined;
    case "BAD_INDENT":
    case "MISSING_INDENT":
      return "check the indentation of this line against its parent";
    default:
      return undefined;
  }
}

/** The YAML node at a path, and the key node that names it when it is a mapping value. */
export function nodeAt(doc: Document, path: Path): { node?: Node; key?: Node; parent?: Node } {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  let parent: Node | undefined;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return { parent: node };
      parent = node;
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof step === "number") {
      parent = node;
      key = undefined;
      node = node.items[step];
      if (node === undefined) return { parent };
    } else {
      return { parent: (node as Node | undefined) ?? parent };
    }
  }
  return { node: (node as Node | null) ?? undefined, key, parent };
}

/** Line and column of a path: the value if present, else the key, else the nearest parent. */
export function positionOf(
  src: YamlSource,
  path: Path,
  prefer: "key" | "value" = "value",
): { line: number; col: number } {
  const { node, key, parent } = nodeAt(src.doc, path);
  const target = prefer === "key" ? (key ?? node ?? parent) : (node ?? key ?? parent);
  const offset = target?.range?.[0] ?? 0;
  return src.lines.linePos(offset);
}

/** Where a key is written inside the mapping at `path`. */
export function keyPosition(src: YamlSource, path: Path, name: string): { line: number; col: number } {
  return positionOf(src, [...path, name], "key");
}

/** Dotted display of a path: scenarios[3].expect.facts[0]. */
export function showPath(path: Path): string {
  let out = "";
  for (const step of path) out += typeof step === "number" ? `[${step}]` : out ? `.${String(step)}` : String(step);
  return out;
}

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

/** The keys allowed by a JSON Schema at a path (for "did you mean"). */
export function allowedKeys(schema: JsonSchema, path: Path): string[] {
  const defs = schema.$defs ?? {};
  const resolve = (s: JsonSchema): JsonSchema => (s.$ref ? (defs[s.$ref.replace("#/$defs/", "")] ?? s) : s);
  let current: JsonSchema[] = [resolve(schema)];
  for (const step of path) {
    const next: JsonSchema[] = [];
    for (const s of current.flatMap((c) => [c, ...(c.anyOf ?? []).map(resolve)])) {
      if (typeof step === "number" && s.items) next.push(resolve(s.items));
      else if (typeof step === "string" && s.properties?.[step]) next.push(resolve(s.properties[step]));
      else if (typeof step === "string" && s.additionalProperties && typeof s.additionalProperties === "object")
        next.push(resolve(s.additionalProperties));
    }
    current = next;
  }
  return [
    ...new Set(
      current.flatMap((c) => [c, ...(c.anyOf ?? []).map(resolve)]).flatMap((c) => Object.keys(c.properties ?? {})),
    ),
  ];
}

/** Turn zod issues into positioned problems, with "did you mean" for unknown keys. */
export function zodProblems(
  src: YamlSource,
  issues: readonly z.core.$ZodIssue[],
  prefix: Path,
  jsonSchema: object,
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const where = showPath(path);
    if (issue.code === "unrecognized_keys") {
      const known = allowedKeys(jsonSchema as JsonSchema, issue.path);
      for (const k of issue.keys) {
        const pos = keyPosition(src, path, k);
        const guess = didYouMean(k, known);
        out.push({
          file: src.file,
          ...pos,
          message: `unknown key \`${k}\`${where ? ` in ${where}` : ""}`,
          hint: guess ? `did you mean \`${guess}\`?` : `allowed keys: ${known.join(", ")}`,
        });
      }
      continue;
    }
    const { node } = nodeAt(src.doc, path);
    // An issue at a path that is not written at all is a missing field (a schema's own message wins).
    if (node === undefined && issue.path.length > 0 && issue.code !== "custom") {
      const parentPath = path.slice(0, -1);
      const pos = positionOf(src, parentPath, "key");
      const name = String(path[path.length - 1]);
      const generic = /^Invalid (input|option)/.test(issue.message);
      out.push({
        file: src.file,
        ...pos,
        message: generic
          ? `missing required field \`${name}\`${parentPath.length ? ` in ${showPath(parentPath)}` : ""}`
          : issue.message,
        hint: `add \`${name}:\``,
      });
      continue;
    }
    const pos = positionOf(src, path);
    out.push({ file: src.file, ...pos, message: `${where || "document"}: ${tidyZodMessage(issue.message)}` });
  }
  return out;
}

function tidyZodMessage(message: string): string {
  return message.replace(/^Invalid input: /, "");
}
