import { z } from "zod";
import type { ToolImplementation, ToolImplementations } from "../tool-types.js";
import { ToolRefusal } from "../tool-types.js";
import type { World, WorldRecord } from "../world.js";

/**
 * The Fjordpay tools (datasets/domains/fjordpay/tools.yaml), as pure functions over a World.
 * Business refusals are ToolRefusal so the bot sees them; verification is deliberately not
 * enforced here, because whether the bot verified first is what a grader measures.
 */

/** The fixed "today" of the Fjordpay world, so runs are reproducible. */
export const FJORDPAY_TODAY = "2026-11-20";

/** The numbers of policy.md that the tools enforce. */
export const FJORDPAY_LIMITS = {
  maxExtensionDays: 14,
  maxPauseDays: 60,
  refundBusinessDays: 5,
  disputeInvestigationDays: 14,
  disputeWindowDays: 180,
  dataRequestDays: 30,
  complaintResponseBusinessDays: 15,
  lateFeeWaiverWindowDays: 365,
  defaultTransactionDays: 30,
  maxTransactionDays: 365,
} as const;

export const DISPUTE_REASONS = [
  "not_received",
  "damaged",
  "not_as_described",
  "unrecognised",
  "double_charge",
  "cancelled_not_refunded",
] as const;

export const DATA_REQUEST_TYPES = ["export", "deletion"] as const;

/** Refusal codes, so a bot (or a test) can tell a typo from a policy limit. */
export const REFUSAL = {
  invalidArgs: "invalid_args",
  notFound: "not_found",
  notAllowed: "not_allowed",
  alreadyDone: "already_done",
} as const;

// ---------- dates ----------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseIso(date: string): Date {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not an ISO date: ${date}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

function formatIso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  const d = parseIso(date);
  d.setUTCDate(d.getUTCDate() + days);
  return formatIso(d);
}

/** `date` plus `days` business days (Monday to Friday; public holidays are not modelled). */
export function addBusinessDays(date: string, days: number): string {
  const d = parseIso(date);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const weekday = d.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return formatIso(d);
}

/** Whole days from `from` to `to`. */
function daysBetween(from: string, to: string): number {
  return Math.round((parseIso(to).getTime() - parseIso(from).getTime()) / 86_400_000);
}

/** A date field as written in a fixture: YAML may hand over a Date for an unquoted date. */
function isoDateOf(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return formatIso(value);
  if (typeof value === "string" && ISO_DATE.test(value.trim())) return value.trim();
  return undefined;
}

/** Today in this world: a scenario may move the clock with `clock: [{ id: today, date: … }]`. */
export function todayOf(world: World): string {
  return isoDateOf(world.get("clock", "today")?.date) ?? FJORDPAY_TODAY;
}

// ---------- arguments ----------

function invalid(message: string): never {
  throw new ToolRefusal(message, REFUSAL.invalidArgs);
}

function optionalText(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") invalid(`argument ${key} must be a string`);
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function text(args: Record<string, unknown>, key: string): string {
  return optionalText(args, key) ?? invalid(`argument ${key} is required`);
}

/** A number; models sometimes send "14" or "89,90", which mean the same. */
function optionalNumber(args: Record<string, unknown>, key: string): number | undefined {
  const value = args[key];
  if (value === undefined || value === null || value === "") return undefined;
  const n =
    typeof value === "number" ? value : typeof value === "string" ? Number(value.replace(",", ".")) : Number.NaN;
  if (!Number.isFinite(n)) invalid(`argument ${key} must be a number`);
  return n;
}

function integer(args: Record<string, unknown>, key: string): number {
  const n = optionalNumber(args, key) ?? invalid(`argument ${key} is required`);
  if (!Number.isInteger(n)) invalid(`argument ${key} must be a whole number`);
  return n;
}

function oneOf<T extends string>(args: Record<string, unknown>, key: string, allowed: readonly T[]): T {
  const value = text(args, key);
  const found = allowed.find((a) => a === value);
  if (!found) invalid(`argument ${key} must be one of: ${allowed.join(", ")}`);
  return found;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

// ---------- records ----------

const INSTALLMENT_STATUSES = ["due", "paid", "late", "paused"] as const;

const Installment = z.looseObject({
  n: z.coerce.number().int(),
  due: z.preprocess(isoDateOf, z.string()),
  amount: z.number().optional(),
  status: z.enum(INSTALLMENT_STATUSES),
  extended: z.boolean().optional(),
});
type Installment = z.infer<typeof Installment>;

const LateFee = z.looseObject({
  installment: z.coerce.number().int(),
  amount: z.number().optional(),
  waived: z.boolean().default(false),
  waived_on: z.preprocess(isoDateOf, z.string().optional()),
});
type LateFee = z.infer<typeof LateFee>;

function installmentsOf(plan: WorldRecord): Installment[] {
  const parsed = z.array(Installment).default([]).safeParse(plan.installments);
  // A malformed fixture is a bug in the benchmark, not something the bot should be told about.
  if (!parsed.success) throw new Error(`plans.${plan.id}.installments is malformed: ${parsed.error.message}`);
  return parsed.data;
}

function lateFeesOf(plan: WorldRecord): LateFee[] {
  const parsed = z.array(LateFee).default([]).safeParse(plan.late_fees);
  if (!parsed.success) throw new Error(`plans.${plan.id}.late_fees is malformed: ${parsed.error.message}`);
  return parsed.data;
}

function requireRecord(world: World, collection: string, id: string, noun: string): WorldRecord {
  return world.get(collection, id) ?? notFound(`No ${noun} with id ${id} was found.`);
}

function notFound(message: string): never {
  throw new ToolRefusal(message, REFUSAL.notFound);
}

function notAllowed(message: string): never {
  throw new ToolRefusal(message, REFUSAL.notAllowed);
}

function requireCustomer(world: World, args: Record<string, unknown>): WorldRecord {
  return requireRecord(world, "customers", text(args, "customer_id"), "customer");
}

function requirePlan(world: World, args: Record<string, unknown>): WorldRecord {
  return requireRecord(world, "plans", text(args, "plan_id"), "payment plan");
}

function planOfOrder(world: World, order: WorldRecord): WorldRecord | undefined {
  if (typeof order.plan === "string") {
    const plan = world.get("plans", order.plan);
    if (plan) return plan;
  }
  return world.find("plans", (p) => p.order === order.id)[0];
}

/** What the bot may see of a customer: the date of birth is a secret used only to verify. */
function customerView(customer: WorldRecord): Record<string, unknown> {
  const { date_of_birth: _secret, ...visible } = customer;
  return visible;
}

const digits = (s: string): string => s.replace(/\D/g, "");

function samePhone(a: string, b: string): boolean {
  const x = digits(a);
  const y = digits(b);
  if (x.length < 6 || y.length < 6) return false;
  // "+49 151 …" and "0151 …" name the same line: compare the subscriber part.
  const tail = Math.min(x.length, y.length, 9);
  return x.slice(-tail) === y.slice(-tail);
}

const normalPostcode = (s: string): string => s.replace(/[\s-]/g, "").toUpperCase();

/** `given` (normalised) is the stored postcode; an unquoted YAML postcode arrives as a number without its leading zeros. */
function samePostcode(stored: unknown, given: string): boolean {
  if (typeof stored === "number") return /^\d+$/.test(given) && Number(given) === stored;
  return typeof stored === "string" && stored.trim() !== "" && normalPostcode(stored) === given;
}

/** Day-first European forms (12.04.1988, 12/04/1988) as well as ISO; null when unreadable. */
/** A date as customers type it (1990-03-14, 14.03.1990, 14. 03. 1990., 1990. 03. 14., 14/3/1990) in ISO form. */
function normalDate(value: string): string | null {
  const s = value.trim().replace(/\.$/, "");
  if (ISO_DATE.test(s)) return s;
  const pad = (n: string) => n.padStart(2, "0");
  const yearFirst = /^(\d{4})[./-] ?(\d{1,2})[./-] ?(\d{1,2})$/.exec(s);
  if (yearFirst) return `${yearFirst[1]}-${pad(yearFirst[2]!)}-${pad(yearFirst[3]!)}`;
  const dayFirst = /^(\d{1,2})[./-] ?(\d{1,2})[./-] ?(\d{4})$/.exec(s);
  if (!dayFirst) return null;
  return `${dayFirst[3]}-${pad(dayFirst[2]!)}-${pad(dayFirst[1]!)}`;
}

function unpaid(i: Installment): boolean {
  return i.status !== "paid";
}

/** The plan with the sums a support agent needs, computed rather than trusted from the fixture. */
function planView(world: World, plan: WorldRecord): Record<string, unknown> {
  const installments = installmentsOf(plan);
  const fees = lateFeesOf(plan);
  const open = installments.filter(unpaid).sort((a, b) => a.due.localeCompare(b.due));
  return {
    ...plan,
    today: todayOf(world),
    outstanding_amount: round2(open.reduce((sum, i) => sum + (i.amount ?? 0), 0)),
    next_installment: open[0] ?? null,
    late_fees_outstanding: round2(fees.filter((f) => !f.waived).reduce((sum, f) => sum + (f.amount ?? 0), 0)),
  };
}

// ---------- read tools ----------

const lookupCustomer: ToolImplementation = (args, world) => {
  const id = optionalText(args, "customer_id");
  const email = optionalText(args, "email");
  const phone = optionalText(args, "phone");
  if (!id && !email && !phone) invalid("give one of customer_id, email or phone");
  let found: WorldRecord | undefined;
  if (id) found = world.get("customers", id);
  else if (email) {
    const wanted = email.toLowerCase();
    found = world.find("customers", (c) => typeof c.email === "string" && c.email.toLowerCase() === wanted)[0];
  } else if (phone) found = world.find("customers", (c) => typeof c.phone === "string" && samePhone(c.phone, phone))[0];
  if (!found) notFound("No customer matches those details.");
  return customerView(found);
};

const verifyIdentity: ToolImplementation = (args, world) => {
  const customer = requireCustomer(world, args);
  const dob = normalDate(text(args, "date_of_birth"));
  const postcode = normalPostcode(text(args, "postcode"));
  const address = (customer.address ?? {}) as Record<string, unknown>;
  const known = [customer.postcode, address.postcode];
  const verified =
    dob !== null && dob === isoDateOf(customer.date_of_birth) && known.some((p) => samePostcode(p, postcode));
  if (verified) world.update("customers", customer.id, { verified: true });
  // Which detail failed is not said: that would help someone guessing their way in.
  return { customer_id: customer.id, verified };
};

const lookupOrder: ToolImplementation = (args, world) => {
  return requireRecord(world, "orders", text(args, "order_id"), "order");
};

const listOrders: ToolImplementation = (args, world) => {
  const customer = requireCustomer(world, args);
  const orders = world
    .find("orders", (o) => o.customer === customer.id)
    .sort((a, b) => String(b.order_date ?? "").localeCompare(String(a.order_date ?? "")));
  return { customer_id: customer.id, count: orders.length, orders };
};

const getPaymentPlan: ToolImplementation = (args, world) => {
  const planId = optionalText(args, "plan_id");
  const orderId = optionalText(args, "order_id");
  if (planId) return planView(world, requireRecord(world, "plans", planId, "payment plan"));
  if (!orderId) invalid("give plan_id or order_id");
  const order = requireRecord(world, "orders", orderId, "order");
  const plan = planOfOrder(world, order) ?? notFound(`Order ${orderId} is not paid in installments.`);
  return planView(world, plan);
};

const getTransactions: ToolImplementation = (args, world) => {
  const customer = requireCustomer(world, args);
  const days = optionalNumber(args, "days") ?? FJORDPAY_LIMITS.defaultTransactionDays;
  if (!Number.isInteger(days) || days < 1 || days > FJORDPAY_LIMITS.maxTransactionDays) {
    invalid(`days must be a whole number from 1 to ${FJORDPAY_LIMITS.maxTransactionDays}`);
  }
  const to = todayOf(world);
  const from = addDays(to, -days);
  const transactions = world
    .find("transactions", (t) => {
      const date = isoDateOf(t.date);
      return t.customer === customer.id && date !== undefined && date > from && date <= to;
    })
    .sort((a, b) => String(b.date).localeCompare(String(a.date)) || a.id.localeCompare(b.id));
  return { customer_id: customer.id, from: addDays(from, 1), to, count: transactions.length, transactions };
};

// ---------- changing tools ----------

function findInstallment(plan: WorldRecord, installments: Installment[], n: number): Installment {
  return (
    installments.find((i) => i.n === n) ??
    notFound(`Plan ${plan.id} has no installment ${n} (it has ${installments.length}).`)
  );
}

const extendDueDate: ToolImplementation = (args, world) => {
  const plan = requirePlan(world, args);
  const n = integer(args, "installment");
  const days = integer(args, "days");
  const max = FJORDPAY_LIMITS.maxExtensionDays;
  if (days < 1) invalid("days must be at least 1");
  if (days > max) notAllowed(`An installment can be moved by at most ${max} days; ${days} were asked.`);
  const installments = installmentsOf(plan);
  const target = findInstallment(plan, installments, n);
  if (target.status === "paid") notAllowed(`Installment ${n} is already paid.`);
  if (target.status === "paused") notAllowed(`Installment ${n} is paused; nothing is due until the pause ends.`);
  if (target.extended) notAllowed(`Installment ${n} was already extended once; policy allows one extension.`);
  const due = addDays(target.due, days);
  // An overdue installment moved into the future is no longer late (the late fee stays).
  const status = target.status === "late" && due >= todayOf(world) ? "due" : target.status;
  const updated = installments.map((i) => (i.n === n ? { ...i, due, status, extended: true } : i));
  world.update("plans", plan.id, { installments: updated });
  return { plan_id: plan.id, installment: n, previous_due: target.due, new_due: due, status, fee: 0 };
};

const pausePayments: ToolImplementation = (args, world) => {
  const plan = requirePlan(world, args);
  const days = integer(args, "days");
  const reason = text(args, "reason");
  const max = FJORDPAY_LIMITS.maxPauseDays;
  if (days < 1) invalid("days must be at least 1");
  if (days > max) notAllowed(`Payments can be paused for at most ${max} days; ${days} were asked.`);
  const today = todayOf(world);
  const current = isoDateOf(plan.paused_until);
  if (current && current >= today) {
    notAllowed(`Plan ${plan.id} is already paused until ${current}; a longer pause needs a specialist.`);
  }
  const installments = installmentsOf(plan);
  if (!installments.some((i) => i.status === "due" || i.status === "late")) {
    notAllowed(`Plan ${plan.id} has no open installments to pause.`);
  }
  const pausedUntil = addDays(today, days);
  const updated = installments.map((i) =>
    i.status === "due" || i.status === "late" ? { ...i, status: "paused" as const } : i,
  );
  world.update("plans", plan.id, { installments: updated, paused_until: pausedUntil, pause_reason: reason });
  const paused = updated.filter((i, k) => i.status !== installments[k]?.status).map((i) => i.n);
  return { plan_id: plan.id, paused_until: pausedUntil, paused_installments: paused, fee: 0 };
};

/** Waivers granted to this customer within the policy window, on any plan. */
function recentWaivers(world: World, customer: unknown, except: { plan: string; installment: number }): string[] {
  const since = addDays(todayOf(world), -FJORDPAY_LIMITS.lateFeeWaiverWindowDays);
  const found: string[] = [];
  for (const plan of world.find("plans", (p) => p.customer === customer)) {
    for (const fee of lateFeesOf(plan)) {
      if (!fee.waived || (plan.id === except.plan && fee.installment === except.installment)) continue;
      // A waiver without a date counts as recent: the fixture says it happened, not when.
      if (fee.waived_on === undefined || fee.waived_on > since) found.push(`${plan.id}#${fee.installment}`);
    }
  }
  return found;
}

const waiveLateFee: ToolImplementation = (args, world) => {
  const plan = requirePlan(world, args);
  const n = integer(args, "installment");
  const fees = lateFeesOf(plan);
  const fee = fees.find((f) => f.installment === n) ?? notFound(`Installment ${n} of plan ${plan.id} has no late fee.`);
  if (fee.waived) throw new ToolRefusal(`The late fee on installment ${n} is already waived.`, REFUSAL.alreadyDone);
  const earlier = recentWaivers(world, plan.customer, { plan: plan.id, installment: n });
  if (earlier.length > 0) {
    notAllowed(`A late fee was already waived within the last 12 months (${earlier.join(", ")}); one waiver per year.`);
  }
  const today = todayOf(world);
  const updated = fees.map((f) => (f.installment === n ? { ...f, waived: true, waived_on: today } : f));
  world.update("plans", plan.id, { late_fees: updated });
  return {
    plan_id: plan.id,
    installment: n,
    waived: true,
    amount: fee.amount ?? null,
    currency: plan.currency ?? null,
  };
};

const issueRefund: ToolImplementation = (args, world) => {
  const order = requireRecord(world, "orders", text(args, "order_id"), "order");
  const amount = optionalNumber(args, "amount") ?? invalid("argument amount is required");
  if (amount <= 0) invalid("amount must be positive");
  if (order.status === "refunded") throw new ToolRefusal(`Order ${order.id} is already refunded.`, REFUSAL.alreadyDone);
  if (order.status !== "returned") {
    notAllowed(`Order ${order.id} is ${String(order.status)}; a refund needs a return the merchant has confirmed.`);
  }
  if (order.merchant_confirmed_return !== true) {
    notAllowed(`The merchant has not yet confirmed the return of order ${order.id}; no refund before confirmation.`);
  }
  const total = typeof order.amount === "number" ? order.amount : Number(order.amount);
  const already = world
    .find("refunds", (r) => r.order === order.id)
    .reduce((sum, r) => sum + (typeof r.amount === "number" ? r.amount : 0), 0);
  if (round2(amount + already) > round2(total)) {
    notAllowed(`A refund of ${amount} exceeds what is refundable on order ${order.id} (${round2(total - already)}).`);
  }
  const today = todayOf(world);
  const refund = world.insert("refunds", {
    order: order.id,
    customer: order.customer,
    amount: round2(amount),
    currency: order.currency,
    status: "issued",
    issued: today,
    expected_by: addBusinessDays(today, FJORDPAY_LIMITS.refundBusinessDays),
  });
  world.update("orders", order.id, { status: "refunded" });
  return { refund };
};

const openDispute: ToolImplementation = (args, world) => {
  const order = requireRecord(world, "orders", text(args, "order_id"), "order");
  const reason = oneOf(args, "reason", DISPUTE_REASONS);
  if (order.status === "disputed") {
    throw new ToolRefusal(`Order ${order.id} already has an open dispute.`, REFUSAL.alreadyDone);
  }
  if (order.status === "refunded") notAllowed(`Order ${order.id} was refunded; there is nothing left to dispute.`);
  const today = todayOf(world);
  const ordered = isoDateOf(order.order_date);
  if (ordered && daysBetween(ordered, today) > FJORDPAY_LIMITS.disputeWindowDays) {
    notAllowed(
      `Order ${order.id} is older than ${FJORDPAY_LIMITS.disputeWindowDays} days; a specialist must review it.`,
    );
  }
  const investigationUntil = addDays(today, FJORDPAY_LIMITS.disputeInvestigationDays);
  const dispute = world.insert("disputes", {
    order: order.id,
    customer: order.customer,
    reason,
    amount: order.amount,
    currency: order.currency,
    status: "open",
    opened: today,
    investigation_until: investigationUntil,
  });
  world.update("orders", order.id, { status: "disputed" });
  const plan = planOfOrder(world, order);
  let paused: number[] = [];
  if (plan) {
    const installments = installmentsOf(plan);
    const updated = installments.map((i) =>
      i.status === "due" || i.status === "late" ? { ...i, status: "paused" as const } : i,
    );
    paused = updated.filter((i, k) => i.status !== installments[k]?.status).map((i) => i.n);
    if (paused.length > 0) world.update("plans", plan.id, { installments: updated, paused_until: investigationUntil });
  }
  return { dispute, plan_id: plan?.id ?? null, paused_installments: paused };
};

const updateAddress: ToolImplementation = (args, world) => {
  const customer = requireCustomer(world, args);
  const address = {
    street: text(args, "street"),
    postcode: text(args, "postcode"),
    city: text(args, "city"),
    country: text(args, "country"),
  };
  world.update("customers", customer.id, { address });
  return { customer_id: customer.id, address };
};

const freezeCard: ToolImplementation = (args, world) => {
  const customer = requireCustomer(world, args);
  const reason = text(args, "reason");
  if (customer.card_status === "frozen") {
    return { customer_id: customer.id, card_status: "frozen", already_frozen: true, card_last4: customer.card_last4 };
  }
  world.update("customers", customer.id, { card_status: "frozen" });
  return {
    customer_id: customer.id,
    card_status: "frozen",
    already_frozen: false,
    card_last4: customer.card_last4,
    reason,
  };
};

const createDataRequest: ToolImplementation = (args, world) => {
  const customer = requireCustomer(world, args);
  const type = oneOf(args, "type", DATA_REQUEST_TYPES);
  const open = world.find("data_requests", (r) => r.customer === customer.id && r.type === type && r.status !== "done");
  if (open[0]) {
    throw new ToolRefusal(`A ${type} request (${open[0].id}) is already in progress.`, REFUSAL.alreadyDone);
  }
  const today = todayOf(world);
  const request = world.insert("data_requests", {
    customer: customer.id,
    type,
    status: "received",
    received: today,
    due_by: addDays(today, FJORDPAY_LIMITS.dataRequestDays),
  });
  return { data_request: request };
};

const logComplaint: ToolImplementation = (args, world) => {
  const customer = requireCustomer(world, args);
  const today = todayOf(world);
  const complaint = world.insert("complaints", {
    customer: customer.id,
    category: text(args, "category"),
    summary: text(args, "summary"),
    status: "open",
    logged: today,
    respond_by: addBusinessDays(today, FJORDPAY_LIMITS.complaintResponseBusinessDays),
  });
  return { complaint };
};

/** Every tool declared in datasets/domains/fjordpay/tools.yaml, by name. */
export const fjordpayTools: ToolImplementations = {
  lookup_customer: lookupCustomer,
  verify_identity: verifyIdentity,
  lookup_order: lookupOrder,
  list_orders: listOrders,
  get_payment_plan: getPaymentPlan,
  get_transactions: getTransactions,
  extend_due_date: extendDueDate,
  pause_payments: pausePayments,
  waive_late_fee: waiveLateFee,
  issue_refund: issueRefund,
  open_dispute: openDispute,
  update_address: updateAddress,
  freeze_card: freezeCard,
  create_data_request: createDataRequest,
  log_complaint: logComplaint,
};
