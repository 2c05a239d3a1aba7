import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { ScopePolicy } from "./scope-policy.js";

/** Reading a scope policy file (YAML or JSON). */

export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "PolicyFileError";
  }
}

/** Load and validate a scope policy; the error names the file and the offending fields. */
export async function readScopePolicy(file: string): Promise<ScopePolicy> {
  let raw: unknown;
  try {
    raw = parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new PolicyFileError(file, (e as Error).message);
  }
  const parsed = ScopePolicy.safeParse(raw ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new PolicyFileError(file, `not a scope policy: ${detail}`);
  }
  return parsed.data;
}
