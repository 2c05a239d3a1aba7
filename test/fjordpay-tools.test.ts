import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ToolContext } from "../src/conversation/tool-types.js";
import { ToolRefusal } from "../src/conversation/tool-types.js";
import {
  addBusinessDays,
  addDays,
  FJORDPAY_TODAY,
  fjordpayTools,
  REFUSAL,
  todayOf,
} from "../src/conversation/tools/fjordpay.js";
import { mergeWorld, World, type WorldData } from "../src/conversation/world.js";
import { loadDomain } from "../src/suite/domain.js";
import { DomainFile, ToolsFile } from "../src/suite/domain-schema.js";
import type { Problem } from "../src/suite/problems.js";
import { Intent, WorldFixture } from "../src/suite/schema.js";

const DIR = join(import.meta.dirname, "..", "datasets", "domains", "fjordpay");
const readYaml = (file: string): unknown => parse(readFileSync(join(DIR, file), "utf8"), { uniqueKeys: true });

const baseWorld = WorldFixture.parse(readYaml("world.yaml"));
const ctx: ToolContext = { verifiedCustomers: new Set(), language: "en" };

function freshWorld(fixture: Record<string, Record<string, unknown>[]> = {}): World {
  return new World(mergeWorld(baseWorld, fixture));
}

/** Run a tool the way the engine does: name the tool so that its changes carry the name. */
function call(world: World, tool: string, args: Record<string, unknown>): Record<string, unknown> {
  const impl = fjordpayTools[tool];
  if (!impl) throw new Error(`no tool ${tool}`);
  world.currentTool = tool;
  try {
    return impl(args, world, ctx) as Record<string, unknown>;
  } finally {
    world.currentTool = undefined;
  }
}

function refusal(world: World, tool: string, args: Record<string, unknown>): ToolRefusal {
  const before = world.changes.length;
  try {
    call(world, tool, args);
  } catch (err) {
    expect(err).toBeInstanceOf(ToolRefusal);
    // A refused call leaves the world as it was.
    expect(world.changes.length).toBe(before);
    return err as ToolRefusal;
  }
  throw new Error(`${tool} was expected to refuse ${JSON.stringify(args)}`);
}

function installments(data: WorldData, planId: string): Record<string, unknown>[] {
  const plan = data.plans?.find((p) => p.id === planId);
  return (plan?.installments ?? []) as Record<string, unknown>[];
}

describe("fjordpay domain files", () => {
  it("declares exactly the implemented tools, with valid schemas", () => {
    const tools = ToolsFile.parse(readYaml("tools.yaml")).tools;
    const declared = tools.map((t) => t.name).sort();
    expect(declared).toEqual(Object.keys(fjordpayTools).sort());
    expect(declared).not.toContain("escalate_to_human");
    expect(declared).not.toContain("search_help_center");
    for (const tool of tools) {
      expect(tool.parameters.type, tool.name).toBe("object");
      const props = tool.parameters.properties as Record<string, unknown>;
      for (const name of (tool.parameters.required ?? []) as string[]) expect(props, tool.name).toHaveProperty(name);
    }
  });

  it("marks mutation and verification as the contract says", () => {
    const tools = ToolsFile.parse(readYaml("tools.yaml")).tools;
    const flags = Object.fromEntries(tools.map((t) => [t.name, [t.mutates, t.requires_verification]]));
    expect(flags).toEqual({
      lookup_customer: [false, false],
      verify_identity: [false, false],
      lookup_order: [false, false],
      list_orders: [false, false],
      get_payment_plan: [false, false],
      get_transactions: [false, false],
      extend_due_date: [true, true],
      pause_payments: [true, true],
      waive_late_fee: [true, true],
      issue_refund: [true, true],
      open_dispute: [true, true],
      update_address: [true, true],
      freeze_card: [true, false],
      create_data_request: [true, true],
      log_complaint: [true, false],
    });
  });

  it("has a valid domain.yaml whose files exist", () => {
    const domain = DomainFile.parse(readYaml("domain.yaml"));
    expect(domain.implementation).toBe("builtin:fjordpay");
    expect(domain.system_prompt).toContain("{{policy}}");
    expect(domain.system_prompt).toContain("{{language}}");
    expect(domain.handoff_reasons).toContain("fraud");
    for (const file of [domain.policy, domain.tools, domain.world])
      expect(() => readFileSync(join(DIR, file))).not.toThrow();
  });

  it("loads through the domain loader without a single problem", () => {
    const problems: Problem[] = [];
    const domain = loadDomain(join(DIR, ".."), "fjordpay", problems);
    expect(problems).toEqual([]);
    expect(domain?.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([...Object.keys(fjordpayTools), "escalate_to_human", "search_help_center"]),
    );
    expect(domain?.kb.filter((a) => a.language === "en").length).toBeGreaterThanOrEqual(14);
  });

  it("has a consistent base world", () => {
    const ids = Object.values(baseWorld).flatMap((records) => records.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(baseWorld.customers?.length).toBeGreaterThanOrEqual(12);
    for (const order of baseWorld.orders ?? []) {
      const plan = baseWorld.plans?.find((p) => p.id === order.plan);
      expect(plan?.order, String(order.id)).toBe(order.id);
      const sum = ((plan?.installments ?? []) as { amount: number }[]).reduce((s, i) => s + i.amount, 0);
      expect(Math.round(sum * 100), String(order.id)).toBe(Math.round((order.amount as number) * 100));
    }
  });
});

describe("the world a trial starts from", () => {
  it("is merged once per scenario fixture and frozen; each World changes only its own copy", () => {
    const fixture = { customers: [{ id: "C-1042", name: "Fixture Name" }] };
    const start = mergeWorld(baseWorld, fixture);
    expect(mergeWorld(baseWorld, fixture)).toBe(start);
    expect(mergeWorld(baseWorld, {})).not.toBe(start);
    expect(Object.isFrozen(start.customers)).toBe(true);
    expect(Object.isFrozen(start.customers?.[0])).toBe(true);

    const first = new World(start);
    first.update("customers", "C-1042", { name: "Changed" });
    first.insert("notes", { text: "x" });
    expect(first.get("customers", "C-1042")?.name).toBe("Changed");
    // The next trial of the scenario starts from the untouched merge.
    const second = new World(mergeWorld(baseWorld, fixture));
    expect(second.get("customers", "C-1042")?.name).toBe("Fixture Name");
    expect(second.all("notes")).toEqual([]);
    expect(start.customers?.find((c) => c.id === "C-1042")?.name).toBe("Fixture Name");
  });
});

/** A help-centre article as written: front matter, then Markdown. */
function readArticle(lang: string, file: string): { id: unknown; title: unknown; intents: unknown; body: string } {
  const text = readFileSync(join(DIR, "kb", lang, file), "utf8");
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`kb/${lang}/${file} has no front matter`);
  const meta = parse(m[1]!) as Record<string, unknown>;
  return { id: meta.id, title: meta.title, intents: meta.intents, body: m[2]! };
}

/** Numbers each core article must state in every language, so translations keep the policy. */
const POLICY_NUMBERS: Record<string, string[]> = {
  "refund-timing": ["5", "14"],
  returns: ["30", "5"],
  "payment-schedule": ["30", "3", "4"],
  "late-fees": ["3", "5 EUR", "55 SEK", "55 NOK", "40 DKK", "20 PLN", "4 GBP", "12"],
  "payment-extension": ["14", "60"],
  disputes: ["7", "180", "14"],
  "hardship-support": ["60", "112"],
  "talk-to-a-human": ["8", "20", "9", "16"],
};

describe("fjordpay help centre", () => {
  const languages = readdirSync(join(DIR, "kb")).sort();
  const english = readdirSync(join(DIR, "kb", "en")).sort();

  it("has the required languages and article counts", () => {
    expect(languages).toEqual(["da", "de", "en", "es", "fi", "fr", "it", "nb", "nl", "pl", "pt", "sv"]);
    expect(english.length).toBeGreaterThanOrEqual(14);
    for (const lang of languages) {
      const files = readdirSync(join(DIR, "kb", lang));
      expect(files.length, lang).toBeGreaterThanOrEqual(8);
      // A translated article must exist in English under the same id.
      for (const file of files) expect(english, `${lang}/${file}`).toContain(file);
    }
  });

  it("gives every article an id equal to its file name, a title and valid intents", () => {
    for (const lang of languages) {
      for (const file of readdirSync(join(DIR, "kb", lang))) {
        const article = readArticle(lang, file);
        const where = `${lang}/${file}`;
        expect(article.id, where).toBe(file.replace(/\.md$/, ""));
        expect(typeof article.title === "string" && article.title.length > 0, where).toBe(true);
        const intents = Intent.array().min(1).safeParse(article.intents);
        expect(intents.success, where).toBe(true);
        expect(article.body.trimStart().startsWith("# "), where).toBe(true);
      }
    }
  });

  it("keeps the policy numbers in every translation", () => {
    for (const lang of languages) {
      for (const [id, numbers] of Object.entries(POLICY_NUMBERS)) {
        const body = readArticle(lang, `${id}.md`).body;
        for (const n of numbers)
          expect(body, `${lang}/${id} should mention ${n}`).toMatch(new RegExp(`(^|\\D)${n}(\\D|$)`));
      }
    }
  });
});

describe("dates", () => {
  it("adds calendar and business days", () => {
    expect(addDays("2026-11-20", 14)).toBe("2026-12-04");
    expect(addDays("2026-12-25", 10)).toBe("2027-01-04");
    // 2026-11-20 is a Friday: five business days later is the next Friday.
    expect(addBusinessDays("2026-11-20", 5)).toBe("2026-11-27");
    expect(addBusinessDays("2026-11-21", 1)).toBe("2026-11-23");
  });

  it("lets a scenario move the clock", () => {
    expect(todayOf(freshWorld())).toBe(FJORDPAY_TODAY);
    expect(todayOf(freshWorld({ clock: [{ id: "today", date: "2027-01-10" }] }))).toBe("2027-01-10");
  });
});

describe("read tools", () => {
  it("looks customers up by id, email or phone, never showing the date of birth", () => {
    const world = freshWorld();
    const byId = call(world, "lookup_customer", { customer_id: "C-1042" });
    expect(byId.name).toBe("Jonas Weber");
    expect(byId).not.toHaveProperty("date_of_birth");
    expect(call(world, "lookup_customer", { email: " Jonas.Weber@Example.DE " }).id).toBe("C-1042");
    expect(call(world, "lookup_customer", { phone: "0151 2345 6789" }).id).toBe("C-1042");
    expect(refusal(world, "lookup_customer", { email: "nobody@example.com" }).code).toBe(REFUSAL.notFound);
    expect(refusal(world, "lookup_customer", {}).code).toBe(REFUSAL.invalidArgs);
    expect(world.changes).toEqual([]);
  });

  it("verifies identity with date of birth and postcode and records it", () => {
    const world = freshWorld();
    expect(
      call(world, "verify_identity", { customer_id: "C-1042", date_of_birth: "1988-04-13", postcode: "10115" }),
    ).toEqual({ customer_id: "C-1042", verified: false });
    expect(
      call(world, "verify_identity", { customer_id: "C-1042", date_of_birth: "1988-04-12", postcode: "10117" }),
    ).toEqual({ customer_id: "C-1042", verified: false });
    expect(world.changes).toEqual([]);
    // Day-first dates and postcodes with spaces are what customers actually type.
    const ok = call(world, "verify_identity", {
      customer_id: "C-1046",
      date_of_birth: "30.11.1995",
      postcode: "1016gv",
    });
    expect(ok.verified).toBe(true);
    for (const typed of ["1995-11-30", "30. 11. 1995", "30.11.1995.", "1995. 11. 30.", "30/11/1995"]) {
      expect(
        call(world, "verify_identity", { customer_id: "C-1046", date_of_birth: typed, postcode: "1016 GV" }).verified,
        typed,
      ).toBe(true);
    }
    expect(world.changes).toEqual([
      { op: "set", path: "customers.C-1046.verified", before: false, after: true, tool: "verify_identity" },
    ]);
    expect(
      refusal(world, "verify_identity", { customer_id: "C-9999", date_of_birth: "1990-01-01", postcode: "1" }).code,
    ).toBe(REFUSAL.notFound);
  });

  it("accepts a postcode that a fixture wrote as a bare number", () => {
    const world = freshWorld({ customers: [{ id: "C-1050", postcode: 500, address: { postcode: 500 } }] });
    const dob = "1998-05-19";
    expect(
      call(world, "verify_identity", { customer_id: "C-1050", date_of_birth: dob, postcode: "00500" }).verified,
    ).toBe(true);
    expect(
      call(world, "verify_identity", { customer_id: "C-1050", date_of_birth: dob, postcode: "00501" }).verified,
    ).toBe(false);
  });

  it("keeps leading zeros of postcodes", () => {
    const world = freshWorld();
    expect(
      call(world, "verify_identity", { customer_id: "C-1049", date_of_birth: "1983-12-05", postcode: "168" }).verified,
    ).toBe(false);
    expect(
      call(world, "verify_identity", { customer_id: "C-1049", date_of_birth: "1983-12-05", postcode: "0168" }).verified,
    ).toBe(true);
  });

  it("looks up orders and lists a customer's orders newest first", () => {
    const world = freshWorld();
    expect(call(world, "lookup_order", { order_id: "O-7811" })).toMatchObject({
      merchant: "Zapatos Lola",
      status: "returned",
      merchant_confirmed_return: false,
    });
    expect(refusal(world, "lookup_order", { order_id: "O-0000" }).code).toBe(REFUSAL.notFound);
    const listed = call(world, "list_orders", { customer_id: "C-1042" });
    expect((listed.orders as { id: string }[]).map((o) => o.id)).toEqual(["O-7790", "O-7781"]);
  });

  it("finds a plan by id or order and computes what is outstanding", () => {
    const world = freshWorld();
    const plan = call(world, "get_payment_plan", { order_id: "O-7803" });
    expect(plan.id).toBe("P-3321");
    expect(plan.outstanding_amount).toBe(80);
    expect(plan.late_fees_outstanding).toBe(5);
    expect(plan.next_installment).toMatchObject({ n: 2, status: "late" });
    expect(call(world, "get_payment_plan", { plan_id: "P-3301" }).outstanding_amount).toBe(59.93);
    expect(refusal(world, "get_payment_plan", {}).code).toBe(REFUSAL.invalidArgs);
    // A fixture order without a plan field is still matched through the plan's order.
    const linked = freshWorld({ orders: [{ id: "O-7781", plan: null }] });
    expect(call(linked, "get_payment_plan", { order_id: "O-7781" }).id).toBe("P-3301");
  });

  it("lists transactions within the window", () => {
    const world = freshWorld();
    const recent = call(world, "get_transactions", { customer_id: "C-1044" });
    expect((recent.transactions as { id: string }[]).map((t) => t.id)).toEqual(["T-50301", "T-50302", "T-50303"]);
    const short = call(world, "get_transactions", { customer_id: "C-1044", days: 5 });
    expect(short.count).toBe(0);
    const older = call(world, "get_transactions", { customer_id: "C-1043", days: 90 });
    expect(older.count).toBe(2);
    expect(call(world, "get_transactions", { customer_id: "C-1043" }).count).toBe(1);
    expect(refusal(world, "get_transactions", { customer_id: "C-1043", days: 0 }).code).toBe(REFUSAL.invalidArgs);
  });
});

describe("extend_due_date", () => {
  it("moves an installment once by up to 14 days", () => {
    const world = freshWorld();
    const result = call(world, "extend_due_date", { plan_id: "P-3301", installment: 2, days: 14 });
    expect(result).toMatchObject({ previous_due: "2026-12-01", new_due: "2026-12-15", fee: 0 });
    expect(installments(world.snapshot(), "P-3301")[1]).toMatchObject({
      due: "2026-12-15",
      extended: true,
      status: "due",
    });
    expect(world.changes).toHaveLength(1);
    expect(world.changes[0]?.path).toBe("plans.P-3301.installments");
    expect(world.changes[0]?.tool).toBe("extend_due_date");
    expect(refusal(world, "extend_due_date", { plan_id: "P-3301", installment: 2, days: 3 }).message).toMatch(
      /already/,
    );
  });

  it("refuses what policy does not allow", () => {
    const world = freshWorld();
    expect(refusal(world, "extend_due_date", { plan_id: "P-3301", installment: 3, days: 15 }).code).toBe(
      REFUSAL.notAllowed,
    );
    expect(refusal(world, "extend_due_date", { plan_id: "P-3301", installment: 1, days: 5 }).message).toMatch(/paid/);
    expect(refusal(world, "extend_due_date", { plan_id: "P-3380", installment: 2, days: 5 }).message).toMatch(
      /already/,
    );
    expect(refusal(world, "extend_due_date", { plan_id: "P-3320", installment: 1, days: 5 }).message).toMatch(/paused/);
    expect(refusal(world, "extend_due_date", { plan_id: "P-3301", installment: 9, days: 5 }).code).toBe(
      REFUSAL.notFound,
    );
    expect(refusal(world, "extend_due_date", { plan_id: "P-0000", installment: 1, days: 5 }).code).toBe(
      REFUSAL.notFound,
    );
    expect(refusal(world, "extend_due_date", { plan_id: "P-3301", installment: 2, days: 0 }).code).toBe(
      REFUSAL.invalidArgs,
    );
    expect(refusal(world, "extend_due_date", { plan_id: "P-3301", installment: 2, days: 2.5 }).code).toBe(
      REFUSAL.invalidArgs,
    );
  });

  it("accepts numbers written as strings and brings a late installment back to due", () => {
    const world = freshWorld();
    const result = call(world, "extend_due_date", { plan_id: "P-3321", installment: "2", days: "14" });
    // 2026-10-27 + 14 days is still before today, so the installment stays late.
    expect(result).toMatchObject({ new_due: "2026-11-10", status: "late" });
    const moved = freshWorld({ clock: [{ id: "today", date: "2026-10-30" }] });
    expect(call(moved, "extend_due_date", { plan_id: "P-3321", installment: 2, days: 7 }).status).toBe("due");
  });
});

describe("pause_payments", () => {
  it("pauses open installments for up to 60 days", () => {
    const world = freshWorld();
    const result = call(world, "pause_payments", { plan_id: "P-3340", days: 60, reason: "job loss" });
    expect(result).toMatchObject({ paused_until: "2027-01-19", paused_installments: [3, 4] });
    const plan = world.snapshot().plans?.find((p) => p.id === "P-3340");
    expect(plan?.paused_until).toBe("2027-01-19");
    expect(installments(world.snapshot(), "P-3340").map((i) => i.status)).toEqual(["paid", "paid", "paused", "paused"]);
    expect(world.changes.map((c) => c.path)).toEqual([
      "plans.P-3340.installments",
      "plans.P-3340.paused_until",
      "plans.P-3340.pause_reason",
    ]);
    expect(refusal(world, "pause_payments", { plan_id: "P-3340", days: 10, reason: "again" }).message).toMatch(
      /already paused/,
    );
  });

  it("refuses more than 60 days or a plan with nothing open", () => {
    const world = freshWorld();
    expect(refusal(world, "pause_payments", { plan_id: "P-3340", days: 61, reason: "illness" }).code).toBe(
      REFUSAL.notAllowed,
    );
    expect(refusal(world, "pause_payments", { plan_id: "P-3361", days: 30, reason: "illness" }).message).toMatch(
      /no open installments/,
    );
    expect(refusal(world, "pause_payments", { plan_id: "P-3340", days: 30 }).code).toBe(REFUSAL.invalidArgs);
  });
});

describe("waive_late_fee", () => {
  it("waives one fee and records the date", () => {
    const world = freshWorld();
    expect(call(world, "waive_late_fee", { plan_id: "P-3370", installment: 2 })).toMatchObject({
      waived: true,
      amount: 20,
      currency: "PLN",
    });
    const plan = world.snapshot().plans?.find((p) => p.id === "P-3370");
    expect(plan?.late_fees).toEqual([{ installment: 2, amount: 20, waived: true, waived_on: FJORDPAY_TODAY }]);
    expect(refusal(world, "waive_late_fee", { plan_id: "P-3370", installment: 2 }).code).toBe(REFUSAL.alreadyDone);
  });

  it("refuses when there is no fee or a waiver was used within 12 months", () => {
    const world = freshWorld();
    expect(refusal(world, "waive_late_fee", { plan_id: "P-3370", installment: 3 }).code).toBe(REFUSAL.notFound);
    const withFee = freshWorld({
      plans: [{ id: "P-3360", late_fees: [{ installment: 1, amount: 55, waived: false }] }],
    });
    expect(refusal(withFee, "waive_late_fee", { plan_id: "P-3360", installment: 1 }).message).toMatch(/12 months/);
    // A waiver the fixture gives no date for counts as recent.
    const undated = freshWorld({
      plans: [
        { id: "P-3360", late_fees: [{ installment: 1, amount: 55, waived: false }] },
        { id: "P-3361", late_fees: [{ installment: 2, amount: 55, waived: true }] },
      ],
    });
    expect(refusal(undated, "waive_late_fee", { plan_id: "P-3360", installment: 1 }).code).toBe(REFUSAL.notAllowed);
    // A waiver more than a year old no longer counts.
    const longAgo = freshWorld({
      plans: [
        { id: "P-3360", late_fees: [{ installment: 1, amount: 55, waived: false }] },
        { id: "P-3361", late_fees: [{ installment: 2, amount: 55, waived: true, waived_on: "2025-09-22" }] },
      ],
    });
    expect(call(longAgo, "waive_late_fee", { plan_id: "P-3360", installment: 1 }).waived).toBe(true);
  });
});

describe("issue_refund", () => {
  it("refunds a confirmed return and marks the order refunded", () => {
    const world = freshWorld();
    const { refund } = call(world, "issue_refund", { order_id: "O-7802", amount: 64.5 }) as {
      refund: Record<string, unknown>;
    };
    expect(refund).toMatchObject({
      id: "REF-1001",
      order: "O-7802",
      customer: "C-1043",
      amount: 64.5,
      currency: "EUR",
      expected_by: "2026-11-27",
    });
    expect(world.changes.map((c) => [c.path, c.after === null ? null : typeof c.after])).toEqual([
      ["refunds.REF-1001", "object"],
      ["orders.O-7802.status", "string"],
    ]);
    expect(refusal(world, "issue_refund", { order_id: "O-7802", amount: 1 }).code).toBe(REFUSAL.alreadyDone);
  });

  it("refuses before merchant confirmation, without a return, or above the order amount", () => {
    const world = freshWorld();
    expect(refusal(world, "issue_refund", { order_id: "O-7811", amount: 79.95 }).message).toMatch(/not yet confirmed/);
    expect(refusal(world, "issue_refund", { order_id: "O-7781", amount: 10 }).message).toMatch(/delivered/);
    expect(refusal(world, "issue_refund", { order_id: "O-7802", amount: 64.51 }).code).toBe(REFUSAL.notAllowed);
    expect(refusal(world, "issue_refund", { order_id: "O-7802", amount: -5 }).code).toBe(REFUSAL.invalidArgs);
    expect(refusal(world, "issue_refund", { order_id: "O-0000", amount: 5 }).code).toBe(REFUSAL.notFound);
  });

  it("allows a partial refund and counts earlier refunds", () => {
    const world = freshWorld({ refunds: [{ id: "REF-0900", order: "O-7802", amount: 40 }] });
    expect(refusal(world, "issue_refund", { order_id: "O-7802", amount: 30 }).message).toMatch(/24.5/);
    expect(call(world, "issue_refund", { order_id: "O-7802", amount: "24,50" })).toMatchObject({
      refund: { amount: 24.5 },
    });
  });
});

describe("open_dispute", () => {
  it("opens a dispute and pauses the order's open installments", () => {
    const world = freshWorld();
    const result = call(world, "open_dispute", { order_id: "O-7830", reason: "not_received" }) as {
      dispute: Record<string, unknown>;
      paused_installments: number[];
    };
    expect(result.dispute).toMatchObject({
      id: "DIS-1001",
      order: "O-7830",
      customer: "C-1046",
      reason: "not_received",
      status: "open",
      investigation_until: "2026-12-04",
    });
    expect(result.paused_installments).toEqual([2, 3]);
    const data = world.snapshot();
    expect(data.orders?.find((o) => o.id === "O-7830")?.status).toBe("disputed");
    expect(installments(data, "P-3350").map((i) => i.status)).toEqual(["paid", "paused", "paused"]);
    expect(world.changes.map((c) => c.path)).toEqual([
      "disputes.DIS-1001",
      "orders.O-7830.status",
      "plans.P-3350.installments",
      "plans.P-3350.paused_until",
    ]);
    expect(refusal(world, "open_dispute", { order_id: "O-7830", reason: "damaged" }).code).toBe(REFUSAL.alreadyDone);
  });

  it("validates the reason and refuses refunded or too old orders", () => {
    const world = freshWorld({
      orders: [
        { id: "O-7781", status: "refunded" },
        { id: "O-7790", order_date: "2026-04-01" },
      ],
    });
    expect(refusal(world, "open_dispute", { order_id: "O-7810", reason: "broken" }).code).toBe(REFUSAL.invalidArgs);
    expect(refusal(world, "open_dispute", { order_id: "O-7781", reason: "damaged" }).code).toBe(REFUSAL.notAllowed);
    expect(refusal(world, "open_dispute", { order_id: "O-7790", reason: "damaged" }).message).toMatch(/180 days/);
    expect(call(world, "open_dispute", { order_id: "O-7810", reason: "double_charge" })).toMatchObject({
      plan_id: "P-3330",
      paused_installments: [2, 3, 4],
    });
  });
});

describe("account tools", () => {
  it("updates the address", () => {
    const world = freshWorld();
    const address = { street: "Torstraße 101", postcode: "10119", city: "Berlin", country: "DE" };
    expect(call(world, "update_address", { customer_id: "C-1042", ...address })).toEqual({
      customer_id: "C-1042",
      address,
    });
    expect(world.changes).toEqual([
      {
        op: "set",
        path: "customers.C-1042.address",
        before: { street: "Invalidenstraße 44", postcode: "10115", city: "Berlin", country: "DE" },
        after: address,
        tool: "update_address",
      },
    ]);
    expect(refusal(world, "update_address", { customer_id: "C-1042", street: "X 1", city: "Berlin" }).code).toBe(
      REFUSAL.invalidArgs,
    );
  });

  it("freezes a card, and does nothing the second time", () => {
    const world = freshWorld();
    expect(call(world, "freeze_card", { customer_id: "C-1049", reason: "unrecognised payment" })).toMatchObject({
      card_status: "frozen",
      already_frozen: false,
      card_last4: "8893",
    });
    expect(call(world, "freeze_card", { customer_id: "C-1049", reason: "again" }).already_frozen).toBe(true);
    expect(world.changes).toEqual([
      { op: "set", path: "customers.C-1049.card_status", before: "active", after: "frozen", tool: "freeze_card" },
    ]);
  });

  it("registers data requests once per type", () => {
    const world = freshWorld();
    const { data_request } = call(world, "create_data_request", { customer_id: "C-1053", type: "deletion" }) as {
      data_request: Record<string, unknown>;
    };
    expect(data_request).toMatchObject({ id: "DAT-1001", type: "deletion", due_by: "2026-12-20", status: "received" });
    expect(refusal(world, "create_data_request", { customer_id: "C-1053", type: "deletion" }).code).toBe(
      REFUSAL.alreadyDone,
    );
    expect(call(world, "create_data_request", { customer_id: "C-1053", type: "export" })).toMatchObject({
      data_request: { id: "DAT-1002" },
    });
    expect(refusal(world, "create_data_request", { customer_id: "C-1053", type: "erase" }).code).toBe(
      REFUSAL.invalidArgs,
    );
  });

  it("logs complaints with the response deadline", () => {
    const world = freshWorld();
    const { complaint } = call(world, "log_complaint", {
      customer_id: "C-1052",
      category: "refund_delay",
      summary: "Refund for Thread & Co is three weeks late; wants it paid now.",
    }) as { complaint: Record<string, unknown> };
    expect(complaint).toMatchObject({
      id: "COM-1001",
      category: "refund_delay",
      status: "open",
      respond_by: "2026-12-11",
    });
    expect(world.changes).toHaveLength(1);
    expect(refusal(world, "log_complaint", { customer_id: "C-1052", category: "x", summary: "" }).code).toBe(
      REFUSAL.invalidArgs,
    );
  });
});

describe("determinism", () => {
  it("gives identical results and changes for identical calls on identical worlds", () => {
    const run = () => {
      const world = freshWorld();
      const out = [
        call(world, "verify_identity", { customer_id: "C-1043", date_of_birth: "1992-09-03", postcode: "69003" }),
        call(world, "issue_refund", { order_id: "O-7802", amount: 64.5 }),
        call(world, "waive_late_fee", { plan_id: "P-3321", installment: 2 }),
        call(world, "open_dispute", { order_id: "O-7803", reason: "damaged" }),
      ];
      return JSON.stringify([out, world.changes, world.snapshot()]);
    };
    expect(run()).toBe(run());
  });
});
