import { existsSync, readFileSync } from "node:fs";
import { InputError } from "../suite/problems.js";
import { parseYaml, zodProblems } from "../suite/yaml-source.js";
import { GatePolicy, gatePolicyJsonSchema } from "./policy-schema.js";

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
  const { source, problems } = parseYaml(display, readFileSync(file, "utf8"));
  if (!source) throw new InputError(problems);
  const parsed = GatePolicy.safeParse(source.value ?? {});
  if (!parsed.success) throw new InputError(zodProblems(source, parsed.error.issues, [], gatePolicyJsonSchema));
  return parsed.data;
}
