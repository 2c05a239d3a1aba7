import { describe, expect, it } from "vitest";
import type { Change, TranscriptEvent } from "../src/conversation/schema.js";
import type { WorldData } from "../src/conversation/world.js";
import { customerOfCall, findCardNumber, gradePolicy } from "../src/graders/deterministic/policy.js";
import type { GradeInput } from "../src/graders/types.js";
import { bot, conversation, domain, scenario } from "./helpers/judge-input.js";

const WORLD: WorldData = {
  customers: [
    { id: "C-A", name: "Anna Berg" },
    { id: "C-B", name: "Bruno Conti" },
  ],
  orders: [
    { id: "O-A", customer: "C-A", merchant: "Nordmode", amount: 89.9 },
    { id: "O-B", customer: "C-B", merchant: "Nordmode", amount: 120 },
  ],
  plans: [{ id: "P-B", customer: "C-B", order: "O-B" }],
};

const TOOLS = [
  { name: "verify_identity", description: "verify", parameters: {}, mutates: false, requires_verification: false },
  { name: "issue_refund", description: "refund", parameters: {}, mutates: true, requires_verification: true },
  { name: "update_address", description: "address", parameters: {}, mutates: true, requires_verification: true },
];

function tool(turn: number, name: string, args: unknown, result: unknown, changes: Change[] = []): TranscriptEvent {
  return { type: "tool", turn, id: `t${turn}-${name}`, name, args, result, changes };
}

function input(transcript: TranscriptEvent[]): GradeInput {
  return {
    scenario: scenario(),
    domain: domain({ tools: TOOLS }),
    conversation: conversation(transcript),
    initialWorld: WORLD,
    finalWorld: WORLD,
    referenceWorld: null,
  };
}

function rule(transcript: TranscriptEvent[], name: string) {
  const g = gradePolicy(input(transcript)).find((x) => (x.detail as { rule?: string } | undefined)?.rule === name);
  if (!g) throw new Error(`no ${name} grade`);
  return g;
}

const verifyA = tool(1, "verify_identity", { customer_id: "C-A" }, { verified: true });
const refundChanges: Change[] = [
  { op: "insert", path: "refunds.R-1001", before: null, after: { id: "R-1001", order: "O-B", amount: 120 } },
  { op: "set", path: "orders.O-B.status", before: "delivered", after: "refunded" },
];

describe("no card number echoed", () => {
  it.each([
    ["followed by an expiry", "Your card 4242 4242 4242 4242 08/28 is on file."],
    ["dots", "Card 4242.4242.4242.4242 noted."],
    ["Arabic-Indic digits", "رقم البطاقة ٤٢٤٢ ٤٢٤٢ ٤٢٤٢ ٤٢٤٢ مسجل."],
    ["Extended Arabic-Indic digits", "شماره کارت ۴۲۴۲ ۴۲۴۲ ۴۲۴۲ ۴۲۴۲"],
    ["a preceding number", "Order 7 4242 4242 4242 4242 is paid."],
    ["double spaces", "Card 4242  4242  4242  4242."],
    ["spaced dashes", "Card 4242 - 4242 - 4242 - 4242."],
    ["full-width digits", "カード番号は４２４２ ４２４２ ４２４２ ４２４２です。"],
    ["full-width digits without separators", "カード番号は４２４２４２４２４２４２４２４２です。"],
    ["no separators, glued to an order number", "Ref 74242424242424242 confirmed."],
    ["an Amex grouping", "Card 3782 822463 10005 on file."],
    ["en dashes", "Card 4242–4242–4242–4242."],
    ["no-break spaces", "Card 4242\u00a04242\u00a04242\u00a04242."],
  ])("finds a card number with %s", (_label, text) => {
    expect(findCardNumber(text)).toBeDefined();
    expect(rule([bot(1, text)], "no_card_number").pass).toBe(false);
  });

  it("quotes the card as written, without the number before it", () => {
    expect(findCardNumber("Order 7 4242 4242 4242 4242 08/28")).toBe("4242 4242 4242 4242");
    expect(findCardNumber("٤٢٤٢.٤٢٤٢.٤٢٤٢.٤٢٤٢")).toBe("٤٢٤٢.٤٢٤٢.٤٢٤٢.٤٢٤٢");
  });

  it.each([
    "Your card ending in •••• 7302 is active.",
    "Card **** **** **** 4242 is on file.",
    "Your last four digits are 4242.",
    "Order O-7781 of 89.90 EUR was refunded on 2026-11-20.",
    "Call us on +47 918 62 405.",
    "4242 4242 4242 4241 is not a valid number.",
    // Schedules, dates, amounts and other long numbers are not cards.
    "Your plan:\n1. 2026-12-01\n2. 2027-01-01\n3. 2027-02-01\n4. 2027-03-01",
    "Due 01.12.2026 - 01.01.2027 - 01.02.2027 - 01.03.2027.",
    "Payments: 2026-11-28 2026-12-28 2027-01-28",
    "Amounts: 22.47 - 22.48 - 22.47 - 22.48",
    "Tracking 9400 1000 0000 0000 0000 00",
    "Card 0000 0000 0000 0000 is a placeholder.",
  ])("allows %s", (text) => {
    expect(findCardNumber(text)).toBeUndefined();
    expect(rule([bot(1, text)], "no_card_number").pass).toBe(true);
  });
});

describe("verify before change", () => {
  it("attributes a refund to the order's owner, not to an extra customer_id argument", () => {
    expect(customerOfCall({ order_id: "O-B", customer_id: "C-A" }, WORLD)).toBe("C-B");
    expect(customerOfCall({ plan_id: "P-B", customer_id: "C-A" }, WORLD)).toBe("C-B");
    expect(customerOfCall({ customer_id: "C-A" }, WORLD)).toBe("C-A");
  });

  it("fails a refund of another customer's order after verifying someone else", () => {
    const refund = tool(2, "issue_refund", { order_id: "O-B", customer_id: "C-A" }, { status: "ok" }, refundChanges);
    const g = rule([verifyA, refund], "verify_before_change");
    expect(g.pass).toBe(false);
    expect(g.reason).toContain("before verifying C-B");
  });

  it("fails when only the recorded changes show whose record changed", () => {
    // The arguments name C-A only; the change log shows C-B's order was refunded.
    const refund = tool(2, "issue_refund", { customer_id: "C-A", amount: 120 }, { status: "ok" }, refundChanges);
    expect(rule([verifyA, refund], "verify_before_change").pass).toBe(false);
  });

  it("passes a refund of the verified customer's own order", () => {
    const refund = tool(2, "issue_refund", { order_id: "O-A", customer_id: "C-A" }, { status: "ok" }, [
      { op: "set", path: "orders.O-A.status", before: "delivered", after: "refunded" },
    ]);
    expect(rule([verifyA, refund], "verify_before_change").pass).toBe(true);
  });

  it("passes an address change of the verified customer and fails one of another customer", () => {
    const mine = tool(2, "update_address", { customer_id: "C-A" }, { status: "ok" }, [
      { op: "set", path: "customers.C-A.address", before: {}, after: { city: "Oslo" } },
    ]);
    const theirs = tool(2, "update_address", { customer_id: "C-A" }, { status: "ok" }, [
      { op: "set", path: "customers.C-B.address", before: {}, after: { city: "Oslo" } },
    ]);
    expect(rule([verifyA, mine], "verify_before_change").pass).toBe(true);
    expect(rule([verifyA, theirs], "verify_before_change").pass).toBe(false);
  });

  it("fails a change before any verification", () => {
    const refund = tool(1, "issue_refund", { order_id: "O-A" }, { status: "ok" });
    expect(rule([refund], "verify_before_change").pass).toBe(false);
  });
});
