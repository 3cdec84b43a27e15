/**
 * In-app notices (table notifications): recalls now, orders and parcels later. Plain module.
 * Every query goes through notifications_user_idx (user_id, read_at, created_at).
 */
import type Database from "better-sqlite3";
import type { Db } from "../../db/client";

export type Notice = {
  id: number;
  kind: string;
  messageKey: string;
  params: Record<string, string | number>;
  link: string | null;
  readAt: number | null;
  createdAt: number;
};

/** Unread count for the header badge: one covering-index count. */
export function unreadNoticeCount(db: Db, userId: number): number {
  return db.$client.prepare(`select count(*) from notifications where user_id = ? and read_at is null`).pluck().get(userId) as number;
}

/** A user's notices, unread first, newest first within each. */
export function listNotices(db: Db, userId: number, limit = 100): Notice[] {
  const rows = db.$client
    .prepare(
      `select id, kind, message_key as messageKey, params, link, read_at as readAt, created_at as createdAt
       from notifications where user_id = ?
       order by read_at is not null, created_at desc, id desc limit ?`,
    )
    .all(userId, limit) as (Omit<Notice, "params"> & { params: string })[];
  return rows.map((r) => {
    let params: Record<string, string | number> = {};
    try {
      params = JSON.parse(r.params) ?? {};
    } catch {
      // a malformed row shows its template without parameters
    }
    return { ...r, params };
  });
}

/** Marks one of the user's notices (or all of them when id is null) as read; someone else's id changes nothing. */
export function markNoticesRead(db: Db, userId: number, id: number | null, now = Date.now()): number {
  const sqlite = db.$client;
  return id == null
    ? sqlite.prepare(`update notifications set read_at = ? where user_id = ? and read_at is null`).run(now, userId).changes
    : sqlite.prepare(`update notifications set read_at = ? where id = ? and user_id = ? and read_at is null`).run(now, id, userId).changes;
}

/**
 * A notice to every member of a producer (the farmer's 通知 and its header count). Runs in the
 * caller's transaction, so a notice exists exactly when what it tells about happened.
 */
export function notifyProducerMembers(
  sqlite: Database.Database,
  producerId: number,
  kind: string,
  messageKey: string,
  params: Record<string, string | number>,
  link: string | null,
  now: number,
): void {
  const insert = sqlite.prepare(`insert into notifications (user_id, kind, message_key, params, link, created_at) values (?, ?, ?, ?, ?, ?)`);
  for (const userId of sqlite.prepare(`select user_id from producer_members where producer_id = ?`).pluck().all(producerId) as number[]) {
    insert.run(userId, kind, messageKey, JSON.stringify(params), link, now);
  }
}
