/**
 * The agricultural inputs catalogue in SQLite (agri_inputs, input_intervals = registered uses,
 * banned_substances, restricted_substances, toxic_substances): seeding from seeds/reference/agri-inputs, reading it back in the shape
 * the compliance checker wants (cached), and admin additions.
 */
import { and, asc, eq, like, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { agriInputEdits, agriInputs, bannedSubstances, inputIntervals, restrictedSubstances, toxicSubstances, type AgriInputKind } from "../db/schema";
import { hasRole, type Actor as AppActor } from "../core/permissions";
import { ForbiddenError, NotFoundError } from "../core/errors";
import { TraceRuleError } from "./errors";
import {
  inputContains,
  isHighToxicity,
  listedNames,
  loadInputsCatalogue,
  normaliseInputName,
  normaliseRegistrationNoFor,
  parseForbiddenOn,
  type InputsCatalogue,
  type RegistrationFamily,
  type ToxicityClass,
} from "./inputs";

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

export function loadCatalogue(db: Db): InputsCatalogue {
  const version = dataVersion(db);
  const hit = cache.get(clientOf(db));
  if (hit && hit.version === version) return hit.catalogue;

  const banned = db.select().from(bannedSubstances).orderBy(asc(bannedSubstances.id)).all();
  const restricted = db.select().from(restrictedSubstances).orderBy(asc(restrictedSubstances.id)).all();
  const toxic = db.select().from(toxicSubstances).orderBy(asc(toxicSubstances.id)).all();
  // Products whose label says 剧毒/高毒 count like the substances of the toxicity list (matched by product name).
  const toxicProducts = db
    .select({ nameZh: agriInputs.nameZh, nameEn: agriInputs.nameEn, toxicityClass: agriInputs.toxicityClass })
    .from(agriInputs)
    .where(sql`${agriInputs.toxicityClass} is not null`)
    .all();
  const rows = db
    .select({
      kind: agriInputs.kind,
      nameZh: agriInputs.nameZh,
      nameEn: agriInputs.nameEn,
      activeIngredient: agriInputs.activeIngredient,
      target: inputIntervals.target,
      intervalDays: inputIntervals.intervalDays,
      maxApplications: inputIntervals.maxApplications,
      prohibited: inputIntervals.prohibited,
      degreeDays: inputIntervals.degreeDays,
      source: inputIntervals.source,
      quality: inputIntervals.quality,
    })
    .from(inputIntervals)
    .innerJoin(agriInputs, eq(agriInputs.id, inputIntervals.inputId))
    .orderBy(asc(inputIntervals.id))
    .all();

  const catalogue: InputsCatalogue = {
    banned: banned.map((b) => ({ nameZh: b.nameZh, nameEn: b.nameEn, cas: b.cas, since: b.since, note: b.note, source: b.source, sourceUrl: b.sourceUrl })),
    restricted: restricted.map((r) => ({
      nameZh: r.nameZh,
      nameEn: r.nameEn,
      cas: r.cas,
      ...parseForbiddenOn(r.forbiddenOn),
      since: r.since,
      note: r.note,
      source: r.source,
      sourceUrl: r.sourceUrl,
    })),
    toxic: [
      ...toxic.map((t) => ({ nameZh: t.nameZh, nameEn: t.nameEn, cas: t.cas, toxicityClass: t.toxicityClass, source: t.source, sourceUrl: t.sourceUrl })),
      ...toxicProducts
        .filter((p) => isHighToxicity(p.toxicityClass))
        .map((p) => ({ nameZh: p.nameZh, nameEn: p.nameEn, cas: null, toxicityClass: p.toxicityClass as ToxicityClass, source: "label", sourceUrl: "" })),
    ],
    intervals: rows
      .filter((r) => r.kind === "pesticide" && r.intervalDays !== null)
      .map((r) => ({
        productZh: r.nameZh,
        activeIngredient: normaliseInputName(r.activeIngredient ?? r.nameZh),
        crop: r.target.toLowerCase(),
        maxApplications: r.maxApplications,
        intervalDays: r.intervalDays!,
        quality: r.quality,
        source: r.source,
      })),
    withdrawals: rows
      .filter((r) => r.kind === "veterinary_drug")
      .map((r) => ({
        drugZh: r.nameZh,
        drugEn: r.nameEn,
        appliesTo: [r.target.toLowerCase()],
        withdrawalDays: r.intervalDays,
        prohibited: r.prohibited,
        degreeDays: r.degreeDays,
        note: "",
        source: r.source,
        sourceUrl: "",
      })),
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
      const values = { nameZh: b.nameZh, nameEn: b.nameEn, cas: b.cas, since: b.since, note: b.note, source: b.source, sourceUrl: b.sourceUrl };
      // A rebuilt reference list corrects earlier rows (a ban date added, a note fixed): the newer facts win.
      db.insert(bannedSubstances).values(values).onConflictDoUpdate({ target: bannedSubstances.nameZh, set: values }).run();
    }
    for (const r of ref.restricted) {
      const forbiddenOn = r.allUses
        ? r.exceptMethod === "seed_coating"
          ? "all uses except seed coating"
          : r.exceptMethod === "fumigation"
            ? "all uses except soil fumigation"
            : "all uses"
        : r.forbiddenOn.join(";");
      const values = { nameZh: r.nameZh, nameEn: r.nameEn, cas: r.cas, forbiddenOn, since: r.since, note: r.note, source: r.source, sourceUrl: r.sourceUrl };
      db.insert(restrictedSubstances).values(values).onConflictDoUpdate({ target: restrictedSubstances.nameZh, set: values }).run();
    }
    for (const t of ref.toxic) {
      const values = { nameZh: t.nameZh, nameEn: t.nameEn, cas: t.cas, toxicityClass: t.toxicityClass, source: t.source, sourceUrl: t.sourceUrl };
      db.insert(toxicSubstances).values(values).onConflictDoUpdate({ target: toxicSubstances.nameZh, set: values }).run();
    }
    const inputId = (kind: AgriInputKind, nameZh: string, nameEn: string, activeIngredient: string | null) => {
      db.insert(agriInputs)
        .values({ kind, nameZh, nameEn, activeIngredient })
        .onConflictDoNothing({ target: [agriInputs.kind, agriInputs.nameZh] })
        .run();
      return db
        .select({ id: agriInputs.id })
        .from(agriInputs)
        .where(and(eq(agriInputs.kind, kind), eq(agriInputs.nameZh, nameZh)))
        .get()!.id;
    };
    // Two rows of one source for one product × crop (early and late rice) keep the longer interval.
    const addInterval = (row: typeof inputIntervals.$inferInsert) =>
      db
        .insert(inputIntervals)
        .values(row)
        .onConflictDoUpdate({
          target: [inputIntervals.inputId, inputIntervals.target, inputIntervals.source],
          set: {
            intervalDays: sql`max(coalesce(${inputIntervals.intervalDays}, excluded.interval_days), coalesce(excluded.interval_days, ${inputIntervals.intervalDays}))`,
            maxApplications: sql`min(coalesce(${inputIntervals.maxApplications}, excluded.max_applications), coalesce(excluded.max_applications, ${inputIntervals.maxApplications}))`,
          },
        })
        .run();
    for (const i of ref.intervals) {
      addInterval({
        inputId: inputId("pesticide", i.productZh, "", i.activeIngredient),
        target: i.crop,
        intervalDays: i.intervalDays,
        maxApplications: i.maxApplications,
        source: i.source,
        quality: i.quality,
      });
    }
    for (const w of ref.withdrawals) {
      const id = inputId("veterinary_drug", w.drugZh, w.drugEn, w.drugEn.toLowerCase());
      for (const target of w.appliesTo) {
        addInterval({ inputId: id, target, intervalDays: w.withdrawalDays, prohibited: w.prohibited, degreeDays: w.degreeDays, source: w.source });
      }
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
  /** Pesticides: the label's 毒性 class. */
  toxicityClass?: ToxicityClass | null;
  /** Registered uses from the label: crop (or species) with its interval and maximum applications. */
  intervals?: { target: string; intervalDays: number; maxApplications?: number | null }[];
};

const REGISTRATION_MESSAGES: Record<RegistrationFamily, string> = {
  pesticide: "trace.regno",
  fertilizer: "trace.fertregno",
  veterinary_drug: "trace.vetregno",
};

/**
 * The registration number a catalogue entry is stored with (add and edit share it): a pesticide
 * needs one; other kinds may have none (fertilisers exempt from registration such as 尿素, feed,
 * vet drugs from the withdrawal tables); a number given must be well-formed for its kind.
 */
export function catalogueRegistrationNo(kind: AgriInputKind, typed: string | null | undefined, at: number): string | null {
  const raw = typed?.trim() ?? "";
  if (raw === "" && kind !== "pesticide") return null;
  const n = normaliseRegistrationNoFor(kind, raw, at);
  if (!n.ok) throw new TraceRuleError(`${REGISTRATION_MESSAGES[n.family]}.${n.reason}`);
  return n.value;
}

export function addAgriInput(db: Db, actor: AppActor, input: AgriInputInput): number {
  // The platform admin keeps the catalogue; inspectors read it (issue 12 §4) but do not write it.
  if (!hasRole(actor, "platform_admin")) throw new ForbiddenError();
  const nameZh = input.nameZh.trim();
  if (!nameZh) throw new TraceRuleError("trace.error.inputNameRequired");
  const registrationNo = catalogueRegistrationNo(input.kind, input.registrationNo, Date.now());
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
    .where(or(and(eq(agriInputs.kind, input.kind), eq(agriInputs.nameZh, nameZh)), registrationNo ? eq(agriInputs.registrationNo, registrationNo) : sql`0`))
    .get();
  if (taken)
    throw new TraceRuleError(registrationNo && !sameName(db, taken.id, input.kind, nameZh) ? "trace.error.registrationTaken" : "trace.error.inputNameTaken");
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
        toxicityClass: input.kind === "pesticide" ? (input.toxicityClass ?? null) : null,
        createdBy: actor.id,
      })
      .returning({ id: agriInputs.id })
      .get();
    for (const i of input.intervals ?? []) {
      db.insert(inputIntervals)
        .values({
          inputId: id,
          target: i.target.trim().toLowerCase(),
          intervalDays: i.intervalDays,
          maxApplications: i.maxApplications ?? null,
          source: "label",
          quality: "label",
        })
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

/** One registered use (or withdrawal period) of a catalogue product, with where it comes from. */
export type AgriInputUse = {
  target: string;
  intervalDays: number | null;
  maxApplications: number | null;
  prohibited: boolean;
  source: string;
  quality: string | null;
};

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
  const byInput = new Map<number, AgriInputUse[]>();
  for (const i of intervals) {
    const l = byInput.get(i.inputId) ?? [];
    l.push({
      target: i.target,
      intervalDays: i.intervalDays,
      maxApplications: i.maxApplications,
      prohibited: i.prohibited,
      source: i.source,
      quality: i.quality,
    });
    byInput.set(i.inputId, l);
  }
  const cat = loadCatalogue(db);
  const { banned, toxic } = cat;
  const names = listedNames(cat);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    nameZh: r.nameZh,
    nameEn: r.nameEn,
    registrationNo: r.registrationNo,
    activeIngredient: r.activeIngredient,
    maker: r.maker,
    /** Retired: not offered for new listings or applications; chains that name it keep it. */
    retiredAt: r.retiredAt,
    banned: banned.some((b) => inputContains({ productName: r.nameZh, activeIngredient: r.activeIngredient ?? undefined }, b, names)),
    /** The label's class, or 高毒/剧毒 when the product contains a substance of the toxicity list. */
    toxicityClass:
      r.toxicityClass ??
      toxic.find((t) => inputContains({ productName: r.nameZh, activeIngredient: r.activeIngredient ?? undefined }, t, names))?.toxicityClass ??
      null,
    intervals: byInput.get(r.id) ?? [],
  }));
}

// ─── edits and retirement (issue 12 §4) ──────────────────────────────────────

export type AgriInputEdit = Pick<AgriInputInput, "nameZh" | "nameEn" | "registrationNo" | "activeIngredient" | "maker" | "toxicityClass">;

/**
 * A platform admin corrects a catalogue entry; the same rules as adding one. What changed, who and
 * when goes to agri_input_edits in the same transaction. Chains already recorded keep what they
 * copied (each application event carries its own product name and registration number).
 */
export function editAgriInput(db: Db, actor: AppActor, inputId: number, edit: AgriInputEdit, now = Date.now()): void {
  if (!hasRole(actor, "platform_admin")) throw new ForbiddenError();
  const row = db.select().from(agriInputs).where(eq(agriInputs.id, inputId)).get();
  if (!row) throw new NotFoundError("agri_input");
  const nameZh = edit.nameZh.trim();
  if (!nameZh) throw new TraceRuleError("trace.error.inputNameRequired");
  const registrationNo = catalogueRegistrationNo(row.kind, edit.registrationNo, now);
  const next = {
    nameZh,
    nameEn: edit.nameEn?.trim() ?? "",
    registrationNo,
    activeIngredient: edit.activeIngredient?.trim() || null,
    maker: edit.maker?.trim() || null,
    toxicityClass: row.kind === "pesticide" ? (edit.toxicityClass ?? null) : null,
  };
  const taken = db
    .select({ id: agriInputs.id })
    .from(agriInputs)
    .where(
      and(
        sql`${agriInputs.id} != ${inputId}`,
        or(and(eq(agriInputs.kind, row.kind), eq(agriInputs.nameZh, nameZh)), registrationNo ? eq(agriInputs.registrationNo, registrationNo) : sql`0`),
      ),
    )
    .get();
  if (taken)
    throw new TraceRuleError(registrationNo && !sameName(db, taken.id, row.kind, nameZh) ? "trace.error.registrationTaken" : "trace.error.inputNameTaken");
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(next)) {
    const before = row[k as keyof typeof next];
    if (before !== v) changes[k] = [before, v];
  }
  if (Object.keys(changes).length === 0) return;
  db.transaction(() => {
    db.update(agriInputs).set(next).where(eq(agriInputs.id, inputId)).run();
    db.insert(agriInputEdits).values({ inputId, action: "edit", changes, editedBy: actor.id, at: now }).run();
  });
  invalidateCatalogue(db);
}

/** Retires (or reinstates) an entry: no new listing or application; history stays. Recorded in agri_input_edits. */
export function setAgriInputRetired(db: Db, actor: AppActor, inputId: number, retired: boolean, now = Date.now()): void {
  if (!hasRole(actor, "platform_admin")) throw new ForbiddenError();
  const row = db.select().from(agriInputs).where(eq(agriInputs.id, inputId)).get();
  if (!row) throw new NotFoundError("agri_input");
  if (Boolean(row.retiredAt) === retired) return;
  db.transaction(() => {
    db.update(agriInputs)
      .set(retired ? { retiredAt: now, retiredBy: actor.id } : { retiredAt: null, retiredBy: null })
      .where(eq(agriInputs.id, inputId))
      .run();
    db.insert(agriInputEdits)
      .values({ inputId, action: retired ? "retire" : "reinstate", changes: { retiredAt: [row.retiredAt, retired ? now : null] }, editedBy: actor.id, at: now })
      .run();
  });
  invalidateCatalogue(db);
}

/** One catalogue entry with its edit history, newest first (admins edit; inspectors read). */
export function getAgriInputWithHistory(db: Db, actor: AppActor, inputId: number) {
  if (!hasRole(actor, "platform_admin", "inspector")) throw new ForbiddenError();
  const entry = listAgriInputs(db).find((i) => i.id === inputId);
  if (!entry) throw new NotFoundError("agri_input");
  const history = db.all<{ id: number; action: string; changes: string; at: number; editedBy: string }>(sql`
    select e.id, e.action, e.changes, e.at, coalesce(u.display_name, u.phone) as editedBy
    from agri_input_edits e join users u on u.id = e.edited_by
    where e.input_id = ${inputId} order by e.at desc, e.id desc`);
  return {
    entry,
    history: history.map((h) => ({ ...h, changes: JSON.parse(h.changes) as Record<string, [unknown, unknown]> })),
  };
}
