import type { Change } from "./schema.js";

/** The in-memory world that tools read and change; every change is recorded. */

export type WorldRecord = Record<string, unknown> & { id: string };
export type WorldData = Record<string, WorldRecord[]>;

function clone<T>(value: T): T {
  return structuredClone(value);
}

function asRecords(items: Record<string, unknown>[], collection: string): WorldRecord[] {
  return items.map((item, i) => {
    const id = item.id;
    if (typeof id !== "string" && typeof id !== "number") {
      throw new Error(`world.${collection}[${i}] has no id`);
    }
    return { ...item, id: String(id) };
  });
}

type WorldInput = Record<string, Record<string, unknown>[]>;

const merged = new WeakMap<WorldInput, WeakMap<WorldInput, WorldData>>();

/**
 * The domain's base world with the scenario's fixture merged over it, record by record (by id).
 * Every trial of a scenario starts from the same merge, so it is made once per (base, fixture) and
 * frozen: a World copies the lists it changes and replaces records rather than changing them.
 */
export function mergeWorld(base: WorldInput, fixture: WorldInput): WorldData {
  let byFixture = merged.get(base);
  if (!byFixture) {
    byFixture = new WeakMap();
    merged.set(base, byFixture);
  }
  let data = byFixture.get(fixture);
  if (!data) {
    data = freezeWorld(merge(base, fixture));
    byFixture.set(fixture, data);
  }
  return data;
}

function freezeWorld(data: WorldData): WorldData {
  for (const list of Object.values(data)) {
    for (const record of list) Object.freeze(record);
    Object.freeze(list);
  }
  return Object.freeze(data);
}

function merge(base: WorldInput, fixture: WorldInput): WorldData {
  const out: WorldData = {};
  for (const [name, items] of Object.entries(base)) out[name] = asRecords(items, name);
  for (const [name, items] of Object.entries(fixture)) {
    const list = out[name] ?? [];
    for (const item of asRecords(items, name)) {
      const at = list.findIndex((r) => r.id === item.id);
      if (at >= 0) list[at] = { ...list[at], ...item } as WorldRecord;
      else list.push(item);
    }
    out[name] = list;
  }
  return out;
}

/** A mutable world with a change log. Tools get one of these and nothing else. */
export class World {
  private readonly data: WorldData;
  readonly changes: Change[] = [];
  /** Which tool is running, so that changes name it. */
  currentTool: string | undefined;

  constructor(data: WorldData) {
    // Records are replaced, never changed in place, so copying the lists is enough.
    this.data = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, [...v]]));
  }

  /** A copy of all collections. */
  snapshot(): WorldData {
    return Object.fromEntries(Object.entries(this.data).map(([k, v]) => [k, [...v]]));
  }

  all(collection: string): WorldRecord[] {
    return clone(this.data[collection] ?? []);
  }

  get(collection: string, id: string): WorldRecord | undefined {
    const found = (this.data[collection] ?? []).find((r) => r.id === id);
    return found ? clone(found) : undefined;
  }

  find(collection: string, where: (r: WorldRecord) => boolean): WorldRecord[] {
    return clone((this.data[collection] ?? []).filter(where));
  }

  /** Set fields of one record; each field that really changes is logged. */
  update(collection: string, id: string, patch: Record<string, unknown>): WorldRecord {
    const list = this.data[collection] ?? [];
    const at = list.findIndex((r) => r.id === id);
    if (at < 0) throw new Error(`no ${collection} record ${id}`);
    const rec: WorldRecord = { ...list[at]! };
    list[at] = rec;
    for (const [field, value] of Object.entries(patch)) {
      const before = rec[field];
      if (JSON.stringify(before) === JSON.stringify(value)) continue;
      rec[field] = clone(value);
      this.changes.push({
        op: "set",
        path: `${collection}.${id}.${field}`,
        before: clone(before) ?? null,
        after: clone(value) ?? null,
        tool: this.currentTool,
      });
    }
    return clone(rec);
  }

  /** Add a record; an id is made from the collection size when none is given. */
  insert(
    collection: string,
    record: Record<string, unknown>,
    idPrefix = collection.slice(0, 3).toUpperCase(),
  ): WorldRecord {
    const list = this.data[collection] ?? [];
    this.data[collection] = list;
    const id = typeof record.id === "string" ? record.id : `${idPrefix}-${1000 + list.length + 1}`;
    const rec: WorldRecord = { ...clone(record), id };
    list.push(rec);
    this.changes.push({
      op: "insert",
      path: `${collection}.${id}`,
      before: null,
      after: clone(rec),
      tool: this.currentTool,
    });
    return clone(rec);
  }
}

/** Read `collection.id.field` (or `collection.id`) from a world. */
export function readPath(data: WorldData, path: string): { found: boolean; value: unknown } {
  const [collection, ...rest] = path.split(".");
  if (!collection) return { found: false, value: undefined };
  const list = data[collection];
  if (!list) return { found: false, value: undefined };
  // Ids may contain dots; match the longest id prefix.
  for (let i = rest.length; i >= 1; i--) {
    const id = rest.slice(0, i).join(".");
    const rec = list.find((r) => r.id === id);
    if (!rec) continue;
    let value: unknown = rec;
    for (const key of rest.slice(i)) {
      if (value === null || typeof value !== "object") return { found: false, value: undefined };
      if (!(key in value)) return { found: false, value: undefined };
      value = (value as Record<string, unknown>)[key];
    }
    return { found: true, value };
  }
  return { found: false, value: undefined };
}

/** Rebuild a final world from the start and its recorded changes (for re-grading stored runs). */
export function applyChanges(start: WorldData, changes: readonly Change[]): WorldData {
  const data = clone(start);
  for (const c of changes) {
    const first = c.path.indexOf(".");
    const collection = c.path.slice(0, first);
    const list = data[collection] ?? [];
    data[collection] = list;
    if (c.op === "insert") {
      list.push(clone(c.after) as WorldRecord);
      continue;
    }
    const last = c.path.lastIndexOf(".");
    const id = c.path.slice(first + 1, last);
    const field = c.path.slice(last + 1);
    const rec = list.find((r) => r.id === id);
    if (rec) rec[field] = clone(c.after);
  }
  return data;
}
