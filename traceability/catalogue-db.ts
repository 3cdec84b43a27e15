/**
 * The agricultural inputs catalogue in SQLite (agri_inputs, input_intervals, banned_substances,
 * restricted_substances): seeding from seeds/reference/agri-inputs, reading it back in the shape
 * the compliance checker wants (cached), and admin additions.
 */
import { and, asc, eq, like, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { agriInputs, bannedSubstances, inputIntervals, restrictedSubstances, type AgriInputKind } from "../db/schema";
import { hasRole, type Actor as AppActor } from "../core/permissions";
import { ForbiddenError } from "../core/errors";
import { TraceRuleError } from "./errors";
import { inputContains, loadInputsCatalogue, normaliseInputName, validateRegistrationNo, type InputsCatalogue } from "./inputs";

// Cache per connection; `data_version` changes when another connection (another process: the
// seed CLI, an admin on another server) commits, and our own writes clear the entry explicitly.
const cache = new WeakMap<object, { version: number; catalogue: InputsCatalogue }>();

/** The better-sqlite3 connection of a handle (domain functions pass the handle, never drizzle's transaction object). */
export function clientOf(db: Db): Db["$client"] {
  return db.$client;
}

function dataVersion(db: Db): number {
  return clientOf(db).pragma("data_version", { simple: true }) as number;
}

export function invalidateCatalogue(db: Db): void {
  cache.delete(clientOf(db));
}

const ALL_EXCEPT_SEED_COATING = /^all crops except as seed coating$/i;
const list = (s: string) =>
  s
    .split(";")
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);

export function loadCatalogue(db: Db): InputsCatalogue {
  const version = dataVersion(db);
  const hit = cache.get(clientOf(db));
  if (hit && hit.version === version) return hit.catalogue;

  const banned = db.select().from(bannedSubstances).orderBy(asc(bannedSubstances.id)).all();
  const restricted = db.select().from(restrictedSubstances).orderBy(asc(restrictedSubstances.id)).all();
  const rows = db
    .select({
      kind: agriInputs.kind,
      nameZh: agriInputs.nameZh,
      nameEn: agriInputs.nameEn,
      activeIngredient: agriInputs.activeIngredient,
      target: inputIntervals.target,
      intervalDays: inputIntervals.intervalDays,
      maxApplications: inputIntervals.maxApplications,
    })
    .from(inputIntervals)
    .innerJoin(agriInputs, eq(agriInputs.id, inputIntervals.inputId))
    .orderBy(asc(inputIntervals.id))
    .all();

  const catalogue: InputsCatalogue = {
    banned: banned.map((b) => ({ nameZh: b.nameZh, nameEn: b.nameEn, cas: b.cas, since: b.since, note: b.note })),
    restricted: restricted.map((r) => {
      const all = ALL_EXCEPT_SEED_COATING.test(r.forbiddenOn);
      return { nameZh: r.nameZh, nameEn: r.nameEn, cas: r.cas, forbiddenOn: all ? [] : list(r.forbiddenOn), allCropsExceptSeedCoating: all, note: r.note };
    }),
    intervals: rows
      .filter((r) => r.kind !== "veterinary_drug")
      .map((r) => ({
        productZh: r.nameZh,
        activeIngredient: normaliseInputName(r.activeIngredient ?? r.nameZh),
        crop: r.target.toLowerCase(),
        maxApplications: r.maxApplications,
        intervalDays: r.intervalDays,
      })),
    withdrawals: rows
      .filter((r) => r.kind === "veterinary_drug")
      .map((r) => ({ drugZh: r.nameZh, drugEn: r.nameEn, appliesTo: [r.target.toLowerCase()], withdrawalDays: r.intervalDays, note: "" })),
  };
  cache.set(clientOf(db), { version, catalogue });
  return catalogue;
}

/**
 * Copies the reference CSVs into the tables; idempotent (existing names are left alone, missing
 * interval rows are added). Returns the table totals afterwards.
 */
const seededClients = new WeakSet<object>();
let referenceCache: { dir: string | undefined; catalogue: InputsCatalogue } | null = null;

export function seedInputsCatalogue(db: Db, dir?: string): { inputs: number; intervals: number; banned: number; restricted: number } {
  const client = clientOf(db);
  const count = (table: string) => client.prepare(`select count(*) from ${table}`).pluck().get() as number;
  const totals = () => ({
    inputs: count("agri_inputs"),
    intervals: count("input_intervals"),
    banned: count("banned_substances"),
    restricted: count("restricted_substances"),
  });
  // Factories call this for every lot: once per connection is enough (unless the tables were emptied).
  if (!dir && seededClients.has(client) && count("banned_substances") > 0) return totals();
  if (!referenceCache || referenceCache.dir !== dir) referenceCache = { dir, catalogue: loadInputsCatalogue(dir) };
  const ref = referenceCache.catalogue;
  db.transaction(() => {
    for (const b of ref.banned) {
      db.insert(bannedSubstances)
        .values({ nameZh: b.nameZh, nameEn: b.nameEn, cas: b.cas, since: b.since, note: b.note })
        .onConflictDoNothing({ target: bannedSubstances.nameZh })
        .run();
    }
    for (const r of ref.restricted) {
      db.insert(restrictedSubstances)
        .values({
          nameZh: r.nameZh,
          nameEn: r.nameEn,
          cas: r.cas,
          forbiddenOn: r.allCropsExceptSeedCoating ? "all crops except as seed coating" : r.forbiddenOn.join(";"),
          note: r.note,
        })
        .onConflictDoNothing({ target: restrictedSubstances.nameZh })
        .run();
    }
    const inputId = (kind: AgriInputKind, nameZh: string, nameEn: string, activeIngredient: string | null) => {
      db.insert(agriInputs).values({ kind, nameZh, nameEn, activeIngredient }).onConflictDoNothing({ target: [agriInputs.kind, agriInputs.nameZh] }).run();
      return db
        .select({ id: agriInputs.id })
        .from(agriInputs)
        .where(and(eq(agriInputs.kind, kind), eq(agriInputs.nameZh, nameZh)))
        .get()!.id;
    };
    const addInterval = (id: number, target: string, intervalDays: number, maxApplications: number | null) =>
      db.insert(inputIntervals).values({ inputId: id, target, intervalDays, maxApplications }).onConflictDoNothing().run();
    for (const i of ref.intervals) {
      addInterval(inputId("pesticide", i.productZh, "", i.activeIngredient), i.crop, i.intervalDays, i.maxApplications);
    }
    for (const w of ref.withdrawals) {
      const id = inputId("veterinary_drug", w.drugZh, w.drugEn, w.drugEn.toLowerCase());
      for (const target of w.appliesTo) addInterval(id, target, w.withdrawalDays, null);
    }
  });
  invalidateCatalogue(db);
  if (!dir) seededClients.add(client);
  return totals();
}

export type AgriInputInput = {
  kind: AgriInputKind;
  nameZh: string;
  nameEn?: string;
  registrationNo?: string | null;
  activeIngredient?: string | null;
  maker?: string | null;
  intervals?: { target: string; intervalDays: number; maxApplications?: number | null }[];
};

export function addAgriInput(db: Db, actor: AppActor, input: AgriInputInput): number {
  if (!hasRole(actor, "platform_admin", "inspector")) throw new ForbiddenError();
  const nameZh = input.nameZh.trim();
  if (!nameZh) throw new TraceRuleError("trace.error.inputNameRequired");
  let registrationNo: string | null = input.registrationNo?.trim() || null;
  if (input.kind === "pesticide") {
    const check = validateRegistrationNo(registrationNo ?? "", { at: Date.now() });
    if (!check.ok) throw new TraceRuleError(`trace.regno.${check.reason}`);
    registrationNo = check.normalised;
  }
  const targets = new Set<string>();
  for (const i of input.intervals ?? []) {
    const t = i.target.trim().toLowerCase();
    if (!t || !Number.isInteger(i.intervalDays) || i.intervalDays < 0 || i.intervalDays > 3650) {
      throw new TraceRuleError("trace.error.intervalInvalid");
    }
    if (i.maxApplications != null && (!Number.isInteger(i.maxApplications) || i.maxApplications < 1)) {
      throw new TraceRuleError("trace.error.intervalInvalid");
    }
    if (targets.has(t)) throw new TraceRuleError("trace.error.intervalDuplicate", { target: t });
    targets.add(t);
  }
  const taken = db
    .select({ id: agriInputs.id })
    .from(agriInputs)
    .where(
      or(
        and(eq(agriInputs.kind, input.kind), eq(agriInputs.nameZh, nameZh)),
        registrationNo ? eq(agriInputs.registrationNo, registrationNo) : sql`0`,
      ),
    )
    .get();
  if (taken) throw new TraceRuleError(registrationNo && !sameName(db, taken.id, input.kind, nameZh) ? "trace.error.registrationTaken" : "trace.error.inputNameTaken");
  const id = db.transaction(() => {
    const { id } = db
      .insert(agriInputs)
      .values({
        kind: input.kind,
        nameZh,
        nameEn: input.nameEn?.trim() ?? "",
        registrationNo,
        activeIngredient: input.activeIngredient?.trim() || null,
        maker: input.maker?.trim() || null,
        createdBy: actor.id,
      })
      .returning({ id: agriInputs.id })
      .get();
    for (const i of input.intervals ?? []) {
      db.insert(inputIntervals)
        .values({ inputId: id, target: i.target.trim().toLowerCase(), intervalDays: i.intervalDays, maxApplications: i.maxApplications ?? null })
        .run();
    }
    return id;
  });
  invalidateCatalogue(db);
  return id;
}

function sameName(db: Db, id: number, kind: AgriInputKind, nameZh: string): boolean {
  const r = db.select({ kind: agriInputs.kind, nameZh: agriInputs.nameZh }).from(agriInputs).where(eq(agriInputs.id, id)).get();
  return Boolean(r && r.kind === kind && r.nameZh === nameZh);
}

export function listAgriInputs(db: Db, filter: { kind?: AgriInputKind; q?: string } = {}) {
  const q = filter.q?.trim();
  const rows = db
    .select()
    .from(agriInputs)
    .where(
      and(
        filter.kind ? eq(agriInputs.kind, filter.kind) : undefined,
        q
          ? or(
              like(agriInputs.nameZh, `%${q}%`),
              like(agriInputs.nameEn, `%${q}%`),
              like(agriInputs.activeIngredient, `%${q}%`),
              like(agriInputs.registrationNo, `%${q.toUpperCase()}%`),
            )
          : undefined,
      ),
    )
    .orderBy(asc(agriInputs.kind), asc(agriInputs.nameZh))
    .all();
  const intervals = db.select().from(inputIntervals).orderBy(asc(inputIntervals.target)).all();
  const byInput = new Map<number, { target: string; intervalDays: number; maxApplications: number | null }[]>();
  for (const i of intervals) {
    const l = byInput.get(i.inputId) ?? [];
    l.push({ target: i.target, intervalDays: i.intervalDays, maxApplications: i.maxApplications });
    byInput.set(i.inputId, l);
  }
  const { banned } = loadCatalogue(db);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    nameZh: r.nameZh,
    nameEn: r.nameEn,
    registrationNo: r.registrationNo,
    activeIngredient: r.activeIngredient,
    maker: r.maker,
    banned: banned.some((b) => inputContains({ productName: r.nameZh, activeIngredient: r.activeIngredient ?? undefined }, b)),
    intervals: byInput.get(r.id) ?? [],
  }));
}
