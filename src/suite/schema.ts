import { z } from "zod";

/** Scenario and suite schemas: the single source of the suite format's types. */

const Id = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "use lower-case letters, digits, '.', '_' and '-'");

/** A dotted free-form intent name such as `refund.status`. */
export const Intent = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, "an intent is a dotted lower-case name such as refund.status");

export const Tier = z.union([z.literal(1), z.literal(2), z.literal(3)], {
  error: "tier must be 1 (routine), 2 (multi-step) or 3 (sensitive)",
});

/** A BCP 47 language tag; checked in depth by `isLanguageTag` during loading. */
export const LanguageTag = z.string().min(2);

export const Persona = z.strictObject({
  mood: z
    .enum(["calm", "confused", "frustrated", "angry", "anxious", "distressed", "grieving", "hostile", "rushed"])
    .optional(),
  name: z.string().optional(),
  notes: z.string().optional(),
});

/** A fixture: named collections of records that tools read and change. */
export const WorldFixture = z.record(z.string(), z.array(z.record(z.string(), z.unknown())));

export const Customer = z.strictObject({
  opening: z.string().min(1),
  turns: z.array(z.string().min(1)).default([]),
  knows: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  goal: z.string().optional(),
});

export const Escalation = z.union(
  [
    z.boolean(),
    z.strictObject({
      required: z.boolean(),
      reasons: z.array(z.string().min(1)).optional(),
      /** The hand-off must happen no later than this bot turn (1-based). */
      by_turn: z.number().int().min(1).optional(),
    }),
  ],
  { error: "escalate is true, false or { required: true|false, reasons: [...] }" },
);

/** Keys are all required; an inner array lists alternatives of which one suffices. */
export const FactKey = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const Fact = z.strictObject({
  claim: z.string().min(1),
  keys: z.array(FactKey).min(1, "a fact needs at least one key"),
});

/** A forbidden behaviour: plain text is judged; `says` or `pattern` is checked deterministically. */
export const Forbidden = z.union([
  z.string().min(1),
  z
    .strictObject({
      claim: z.string().min(1),
      says: z.array(z.string().min(1)).min(1).optional(),
      pattern: z.string().min(1).optional(),
    })
    .refine((f) => f.says !== undefined || f.pattern !== undefined, {
      message: "a forbidden entry needs `says` (phrases) or `pattern` (a regular expression)",
    }),
]);

/** A required tool call: `{ tool_name: { arg: value } }`, arguments matched as a subset. */
export const ActionExpectation = z
  .record(z.string(), z.record(z.string(), z.unknown()).nullable())
  .refine((r) => Object.keys(r).length === 1, { message: "an action names exactly one tool" });

export const StateAssertion = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.strictObject({
    not: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    exists: z.boolean().optional(),
    in: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
]);

export const Expectations = z.strictObject({
  escalate: Escalation.optional(),
  facts: z.array(Fact).default([]),
  forbidden: z.array(Forbidden).default([]),
  actions: z.array(ActionExpectation).default([]),
  /** Tools that must not be called at all (e.g. issue_refund in a fraud attempt). */
  never: z.array(z.string().min(1)).default([]),
  /** Assertions on the final world: `collection.record-id.field: value`. */
  state: z.record(z.string(), StateAssertion).default({}),
  /** Mutating tools the bot may call beyond those in `actions`. */
  may: z.array(z.string().min(1)).default([]),
  rubric: z.array(z.string().min(1)).default([]),
});

export const ReferenceStep = z.union(
  [
    z.strictObject({ say: z.string().min(1) }),
    z.strictObject({ tool: z.string().min(1), args: z.record(z.string(), z.unknown()).default({}) }),
    z.strictObject({
      handoff: z.strictObject({ reason: z.string().min(1), summary: z.string().min(1) }),
    }),
  ],
  { error: "a reference step is { say: text }, { tool: name, args: {…} } or { handoff: { reason, summary } }" },
);

export const Scenario = z.strictObject({
  id: Id,
  title: z.string().optional(),
  intent: Intent,
  tier: Tier,
  language: LanguageTag,
  volume: z.number().min(0, "volume is a share of contacts and cannot be negative").optional(),
  trials: z.number().int().min(1, "trials must be at least 1").optional(),
  tags: z.array(z.string()).default([]),
  persona: Persona.default({}),
  world: WorldFixture.default({}),
  customer: Customer,
  expect: Expectations.default({
    facts: [],
    forbidden: [],
    actions: [],
    never: [],
    state: {},
    may: [],
    rubric: [],
  }),
  reference: z.array(ReferenceStep).default([]),
});

export const SuiteDefaults = z.strictObject({
  trials: z.number().int().min(1, "trials must be at least 1").optional(),
  volume: z.number().min(0, "volume is a share of contacts and cannot be negative").optional(),
  max_turns: z.number().int().min(1).max(50).optional(),
  tier: Tier.optional(),
  language: LanguageTag.optional(),
  intent: Intent.optional(),
});
export type SuiteDefaults = z.infer<typeof SuiteDefaults>;

export const Suite = z.strictObject({
  $schema: z.string().optional(),
  suite: Id,
  title: z.string().optional(),
  description: z.string().optional(),
  domain: Id,
  defaults: SuiteDefaults.default({}),
  // Scenarios are validated one by one after defaults are merged in (see load.ts).
  scenarios: z.array(z.unknown()).min(1, "a suite needs at least one scenario"),
});

/** The suite as written, with scenarios still raw so that defaults can be applied before validation. */
export type SuiteFile = z.infer<typeof Suite>;
export type Scenario = z.infer<typeof Scenario>;
export type Expectations = z.infer<typeof Expectations>;
export type ReferenceStep = z.infer<typeof ReferenceStep>;
export type Fact = z.infer<typeof Fact>;
export type Forbidden = z.infer<typeof Forbidden>;
export type StateAssertion = z.infer<typeof StateAssertion>;
export type WorldFixture = z.infer<typeof WorldFixture>;
export type Tier = z.infer<typeof Tier>;

/** A scenario with the suite it came from and where it was written. */
export interface LoadedScenario extends Scenario {
  suite: string;
  domain: string;
  file: string;
  line: number;
  trials: number;
  max_turns?: number;
}

/** The JSON Schema editors use: scenarios are validated in full, defaults merged in by the loader. */
export const SuiteForEditors = Suite.extend({ scenarios: z.array(Scenario.partial()).min(1) });
