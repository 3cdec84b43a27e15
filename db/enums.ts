/**
 * The closed lists of the schema as plain constants, with no drizzle import: pages and forms in
 * the browser import them from here (db/schema.ts re-exports them for server code), so the
 * browser bundle never carries the table definitions and drizzle-orm.
 */
export const PRODUCER_KINDS = ["cooperative", "family_farm", "large_grower", "agribusiness", "input_seller"] as const;

export const CATEGORY_SLUGS = ["fruit", "vegetables", "grain", "tea", "livestock_poultry", "aquatic", "forest", "agri_inputs"] as const;

export const CERTIFICATION_KINDS = ["green_food", "organic", "geographical_indication", "pollution_free"] as const;

export const PROBLEM_KINDS = ["quality", "label", "counterfeit", "safety", "other"] as const;

export const DELIVERY_POINT_KINDS = ["locker", "village_station", "community", "school", "office"] as const;

export const DISPUTE_KINDS = ["quality", "quantity", "not_received"] as const;

// ─── cooperative member households (issue 12 §3) ─────────────────────────────
/** 社员农户 records on the lots of their own household; 记录员 records on all the cooperative's lots. */
export const COOP_MEMBER_ROLES = ["member_farmer", "record_keeper"] as const;
export const COOP_MEMBER_STATUSES = ["invited", "active", "declined", "removed"] as const;
// ─── producer credit and verification (issue 12 §2) ──────────────────────────
/** A producer's business licence: not yet sent, waiting for a platform admin, or decided. */
export const LICENCE_STATUSES = ["none", "submitted", "approved", "rejected"] as const;
/** What a platform admin decided about a producer (producer_decisions.kind). */
export const PRODUCER_DECISION_KINDS = ["credit_code", "licence", "poverty_alleviation"] as const;
export const PRODUCER_DECISIONS = ["approved", "rejected", "set", "cleared"] as const;
/** Photos a buyer may attach to a rating. */
export const MAX_RATING_PHOTOS = 3;
