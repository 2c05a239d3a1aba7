import { existsSync } from "node:fs";
import { InputError } from "../suite/problems.js";
import { readUtf8OrThrow } from "../suite/read-text.js";
import { parseYaml, type YamlSource, zodProblems } from "../suite/yaml-source.js";
import { GatePolicy, gatePolicyJsonSchema } from "./policy-schema.js";

/** Load a gate policy; problems come back positioned (file:line:col) with hints, as an InputError. */
export function readGatePolicy(file: string, display = file): GatePolicy {
  return readGatePolicyFile(file, display).policy;
}

/**
 * The policy and the YAML it was read from, so that `evaluateGate` can report a rule naming a
 * group the run does not have at its line and column.
 */
export function readGatePolicyFile(file: string, display = file): { policy: GatePolicy; source: YamlSource } {
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
  return { policy: parsed.data, source };
}
