import { describe, expect, it } from "vitest";
import type { WorldData } from "../src/conversation/world.js";
import { gradeState, worldDifferences } from "../src/graders/deterministic/state.js";
import { conversation, domain, scenario } from "./helpers/judge-input.js";

const GOLD_ADDRESS = {
  street: "Flat 3, 14 Marchmont Crescent",
  postcode: "EH9 1HL",
  city: "Edinburgh",
  country: "GB",
};

function world(address: Record<string, unknown>, extra: Record<string, unknown> = {}): WorldData {
  return { customers: [{ id: "C-1", name: "Fiona Reid", address, verified: true, ...extra }] };
}

function outcome(final: WorldData, gold: WorldData) {
  const grades = gradeState({
    scenario: scenario(),
    domain: domain(),
    conversation: conversation([]),
    initialWorld: gold,
    finalWorld: final,
    referenceWorld: gold,
  });
  const g = grades.find((x) => x.criterion === "outcome");
  if (!g) throw new Error("no outcome grade");
  return g;
}

describe("outcome grade: nested values", () => {
  it.each([
    ["a lower-case country", { country: "gb" }],
    ["a lower-case postcode", { postcode: "eh9 1hl" }],
    ["a street without the comma", { street: "Flat 3 14 Marchmont Crescent" }],
    ["extra spaces", { street: "  Flat 3,  14 Marchmont   Crescent " }],
    ["upper case throughout", { city: "EDINBURGH", street: "FLAT 3, 14 MARCHMONT CRESCENT" }],
  ])("passes an address update with %s", (_label, change) => {
    const g = outcome(world({ ...GOLD_ADDRESS, ...change }), world(GOLD_ADDRESS));
    expect(g.reason).toBe("final state equals the gold outcome");
    expect(g.pass).toBe(true);
  });

  it("fails a different street and names the field inside the object", () => {
    const g = outcome(world({ ...GOLD_ADDRESS, street: "Flat 3, 16 Marchmont Crescent" }), world(GOLD_ADDRESS));
    expect(g.pass).toBe(false);
    expect(g.reason).toContain(
      'customers.C-1.address.street: "Flat 3, 16 Marchmont Crescent", gold "Flat 3, 14 Marchmont Crescent"',
    );
  });

  it("shows both sides of a long address apart, not clipped to the same prefix", () => {
    const long = { ...GOLD_ADDRESS, street: "Flat 3, 14 Marchmont Crescent, Marchmont, City of Edinburgh, Scotland" };
    const g = outcome(world({ ...long, country: "IE" }), world(long));
    expect(g.pass).toBe(false);
    expect(g.reason).toContain('customers.C-1.address.country: "IE", gold "GB"');
  });

  it("compares arrays item by item, numbers with numeric strings, and reports missing fields", () => {
    const plan = (installments: unknown[], extra: Record<string, unknown> = {}): WorldData => ({
      plans: [{ id: "P-1", installments, ...extra }],
    });
    const gold = plan([
      { n: 1, amount: 29.97, status: "paid" },
      { n: 2, amount: 29.97, status: "due" },
    ]);
    expect(
      worldDifferences(
        plan([
          { n: 1, amount: "29.97", status: "Paid" },
          { n: 2, amount: 29.97, status: "due" },
        ]),
        gold,
      ),
    ).toEqual([]);
    expect(
      worldDifferences(
        plan(
          [
            { n: 1, amount: 29.97, status: "paid" },
            { n: 2, amount: 29.97, status: "waived" },
          ],
          { paused_until: "2026-12-20" },
        ),
        gold,
      ),
    ).toEqual([
      'plans.P-1.installments[1].status: "waived", gold "due"',
      'plans.P-1.paused_until: "2026-12-20", gold undefined',
    ]);
  });

  it("keeps leading zeros of codes written as strings, and ignores the verified flag", () => {
    expect(worldDifferences(world({ postcode: "01234" }), world({ postcode: "1234" }))).toHaveLength(1);
    expect(worldDifferences(world(GOLD_ADDRESS, { verified: false }), world(GOLD_ADDRESS))).toEqual([]);
  });

  it.each([
    ["12.50", "1250"],
    ["-5", "5"],
    ["2026-1-12", "2026-11-2"],
    ["12,50", "1250"],
  ])("keeps the decimal mark, sign and date dashes of numbers in strings: %s is not %s", (a, b) => {
    expect(worldDifferences(world(GOLD_ADDRESS, { note: a }), world(GOLD_ADDRESS, { note: b }))).toHaveLength(1);
  });

  it("still ignores spaces and punctuation around words: St. James's Court is St James's Court", () => {
    const a = world({ ...GOLD_ADDRESS, street: "2 St. James's Court" });
    expect(worldDifferences(a, world({ ...GOLD_ADDRESS, street: "2 St James's Court" }))).toEqual([]);
    expect(worldDifferences(world({ ...GOLD_ADDRESS, postcode: "EH91HL" }), world(GOLD_ADDRESS))).toEqual([]);
  });
});
