/**
 * Demo credit data (issue 12 §2): business licences and legal representatives, ratings with
 * comments (one with a photo) from the generated buyers (the demo buyer's picked-up orders stay
 * unrated for the buyer journey), one licence waiting for the platform admin, one
 * poverty-alleviation producer, and every producer's score computed. After seedDemoOrders.
 * With the demo data the apple co-operative and the kiwi farm have a score; the tea co-operative
 * has too little data and shows 暂无足够数据.
 */
import type { Db } from "../db/client";
import { refreshStaleCredit } from "../market/credit/credit";
import { storeListingPhoto } from "../market/photos/photos";
import { renderListingArt } from "./images";
import { DEMO_BUYER_PHONE } from "./orders";

const LICENCES: { phone: string; legalRep: string; status: "approved" | "submitted"; note: string }[] = [
  { phone: "13800000002", legalRep: "王建国", status: "approved", note: "执照照片清晰，名称、信用代码与登记一致。" },
  { phone: "13800000003", legalRep: "张秀英", status: "submitted", note: "" },
];

const COMMENTS = [
  { stars: 5, body: "果子脆甜，个头均匀，包装很用心。" },
  { stars: 4, body: "味道不错，有两个磕碰，整体满意。" },
  { stars: 5, body: "第二次买了，家里老人很喜欢。" },
  { stars: 5, body: "到站就取到了，新鲜。" },
];

export async function seedDemoCredit(db: Db, options: { uploadDir: string; now?: number }): Promise<{ ratings: number; scored: number }> {
  const now = options.now ?? Date.now();
  const sqlite = db.$client;
  const adminId = sqlite.prepare(`select id from users where phone = '13800000007'`).pluck().get() as number | undefined;
  if (!adminId) return { ratings: 0, scored: 0 };
  const photo = await storeListingPhoto(await renderListingArt("fruit", { shape: "fruit", seed: 4242 }, 640, 480), options.uploadDir);
  const licencePhoto = await storeListingPhoto(await renderListingArt("grain", { shape: "fruit", seed: 777 }, 800, 560), options.uploadDir);
  let ratings = 0;
  sqlite.transaction(() => {
    const ownerProducer = (phone: string) =>
      sqlite
        .prepare(
          `select m.producer_id from producer_members m join users u on u.id = m.user_id where u.phone = ? and m.role = 'owner' order by m.producer_id limit 1`,
        )
        .pluck()
        .get(phone) as number | undefined;
    for (const l of LICENCES) {
      const producerId = ownerProducer(l.phone);
      if (!producerId) continue;
      sqlite
        .prepare(
          `insert or replace into producer_verification (producer_id, licence_file_key, legal_rep_name, licence_status, submitted_at, poverty_alleviation)
           values (?, ?, ?, ?, ?, 0)`,
        )
        .run(producerId, licencePhoto.fileKey, l.legalRep, l.status, now - 5 * 86_400_000);
      if (l.status === "approved") {
        sqlite
          .prepare(`insert into producer_decisions (producer_id, kind, decision, note, decided_by, decided_at) values (?, 'licence', 'approved', ?, ?, ?)`)
          .run(producerId, l.note, adminId, now - 4 * 86_400_000);
      }
    }
    // One poverty-alleviation (帮扶) producer: the kiwi farm.
    const kiwi = ownerProducer("13800000003");
    if (kiwi) {
      sqlite.prepare(`update producer_verification set poverty_alleviation = 1 where producer_id = ?`).run(kiwi);
      sqlite
        .prepare(`insert into producer_decisions (producer_id, kind, decision, note, decided_by, decided_at) values (?, 'poverty_alleviation', 'set', ?, ?, ?)`)
        .run(kiwi, "东西部协作帮扶项目：带动脱贫户 12 户，收购价高于市场价。", adminId, now - 3 * 86_400_000);
    }
    // Ratings with comments on the generated buyers' picked-up sub-orders.
    const picked = sqlite
      .prepare(
        `select s.id, s.producer_id as producerId, o.buyer_id as buyerId from sub_orders s join orders o on o.id = s.order_id
         where s.status in ('picked_up', 'completed') and o.buyer_id != (select id from users where phone = ?)
           and not exists (select 1 from ratings r where r.sub_order_id = s.id)
         order by s.id`,
      )
      .all(DEMO_BUYER_PHONE) as { id: number; producerId: number; buyerId: number }[];
    picked.forEach((s, i) => {
      const c = COMMENTS[i % COMMENTS.length];
      const ratingId = Number(
        sqlite
          .prepare(`insert into ratings (sub_order_id, producer_id, buyer_id, stars, body, created_at) values (?, ?, ?, ?, ?, ?)`)
          .run(s.id, s.producerId, s.buyerId, c.stars, c.body, now - (i + 1) * 3_600_000).lastInsertRowid,
      );
      if (i === 0) sqlite.prepare(`insert into rating_photos (rating_id, file_key, position) values (?, ?, 0)`).run(ratingId, photo.fileKey);
      ratings++;
    });
  })();
  return { ratings, scored: refreshStaleCredit(db, now) };
}
