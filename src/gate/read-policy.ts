import { existsSync } from "node:fs";
import { InputError } from "../suite/problems.js";
import { readUtf8OrThrow } from "../suite/read-text.js";
import { parseYaml, type YamlSource, zodProblems } from "../suite/yaml-source.js";
import { GatePolicy, gatePolicyJsonSchema } from "./policy-schema.js";

/**
 * Where each policy read from a file was written, so that a rule naming a group the run does not
 * have can be reported at its line and column (see `policyKeyProblems` in evaluate.ts).
 */
const sources = new WeakMap<GatePolicy, YamlSource>();

/** The YAML a policy was read from, when it was read by `readGatePolicy`. */
export function policySource(policy: GatePolicy): YamlSource | undefined {
  return sources.get(policy);
}

/** Load a gate policy; problems come back positioned (file:line:col) with hints, as an InputError. */
export function readGatePolicy(file: string, display = file): GatePolicy {
  if (!existsSync(file)) {
    throw new InputError([
      {
        file: display,
        line: 1,
        col: 1,
        message: "gate policy not found",
        hint: "pass --policy <file>; `supportbench init` writes an example to policies/gate.yaml",
      },
    ]);
  }
  const { source, problems } = parseYaml(display, readUtf8OrThrow(file, display));
  if (!source) throw new InputError(problems);
  const parsed = GatePolicy.safeParse(source.value ?? {});
  if (!parsed.success) throw new InputError(zodProblems(source, parsed.error.issues, [], gatePolicyJsonSchema));
  sources.set(parsed.data, source);
  return parsed.data;
}
