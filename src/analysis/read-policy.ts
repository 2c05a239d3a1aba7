import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { InputError, type Problem } from "../suite/problems.js";
import { readUtf8 } from "../suite/read-text.js";
import { parseYaml, zodProblems } from "../suite/yaml-source.js";
import { ScopePolicy } from "./scope-policy.js";

/** Reading a scope policy file (YAML or JSON), with problems at file:line:col as the suite loader reports them. */

const scopePolicyJsonSchema = z.toJSONSchema(ScopePolicy, { io: "input" });

/** A scope policy that cannot be used: positioned problems (an InputError, so exit 2) for the file. */
export class PolicyFileError extends InputError {
  constructor(
    readonly file: string,
    problems: Problem[],
  ) {
    super(problems);
    this.name = "PolicyFileError";
  }
}

/** The path as a reader knows it: relative to the working folder when inside it, else as given. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** Load and validate a scope policy; every problem names the file, line and column, with a hint. */
export async function readScopePolicy(file: string, display = displayPath(file)): Promise<ScopePolicy> {
  if (!existsSync(file)) {
    throw new PolicyFileError(file, [
      {
        file: display,
        line: 1,
        col: 1,
        message: "scope policy not found",
        hint: "check --policy (or the config's scope_policy); the bundled example is policies/scope.yaml",
      },
    ]);
  }
  const read = readUtf8(file, display);
  if ("problem" in read) throw new PolicyFileError(file, [read.problem]);
  const { source, problems } = parseYaml(display, read.text);
  if (!source) throw new PolicyFileError(file, problems);
  const parsed = ScopePolicy.safeParse(source.value ?? {});
  if (!parsed.success)
    throw new PolicyFileError(file, zodProblems(source, parsed.error.issues, [], scopePolicyJsonSchema));
  return parsed.data;
}
