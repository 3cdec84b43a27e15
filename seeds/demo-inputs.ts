/**
 * Demo data for inputs on the market (issue 12 §4): the input seller 13800000040 (password
 * cunpin123) with a verified 农资经营者 producer in the demo farmer's county, three listings tied
 * to catalogue entries (a pesticide, a fertiliser, a maize seed) each from an input lot, and a paid
 * order of the pesticide by the demo farmer 13800000002, so /farm/inputs shows stock. Everything
 * goes through the domain functions (listing checks, checkout, the paid transition that fills the
 * stock). Runs after the demo orders, so the generated orders do not pick these listings.
 */
import type { Db } from "../db/client";
import { makeCreditCode } from "../core/credit-code";
import { addAgriInput, listAgriInputs } from "../traceability/store";
import { createInputListing } from "../market/inputs/listings";
import { setListingStatus } from "../market/listings/listings";
import { storeListingPhoto } from "../market/photos/photos";
import { addToCart } from "../market/orders/cart";
import { checkout } from "../market/orders/checkout";
import { transitionOrder } from "../market/orders/orders";
import { actorFor, addProducerMember, CREDIT_CODE_PREFIX, createLotWithChain, createProducer, insertUserWithHash } from "./factories";
import { renderListingArt } from "./images";

export const DEMO_INPUT_SELLER_PHONE = "13800000040";
const DEMO_FARMER_PHONE = "13800000002";
export const DEMO_PESTICIDE = { nameZh: "演示牌10%吡虫啉可湿性粉剂", registrationNo: "PD20990101", makerLotNo: "YS20261008" } as const;

export async function seedDemoInputs(db: Db, options: { uploadDir: string; now?: number }): Promise<{ listings: number; stockRows: number }> {
  const sqlite = db.$client;
  const now = options.now ?? Date.now();
  const farmerId = sqlite.prepare(`select id from users where phone = ?`).pluck().get(DEMO_FARMER_PHONE) as number | undefined;
  const adminId = sqlite
    .prepare(`select u.id from users u join user_roles r on r.user_id = u.id where r.role = 'platform_admin' order by u.id limit 1`)
    .pluck()
    .get() as number | undefined;
  if (!farmerId || !adminId) return { listings: 0, stockRows: 0 };
  const farm = sqlite
    .prepare(
      `select p.id, p.province_id as provinceId, p.county_id as countyId, p.township_id as townshipId, p.village_id as villageId, r.code as countyCode
       from producer_members m join producers p on p.id = m.producer_id join regions r on r.id = p.county_id
       where m.user_id = ? order by p.id limit 1`,
    )
    .get(farmerId) as { id: number; provinceId: number; countyId: number; townshipId: number | null; villageId: number | null; countyCode: string } | undefined;
  if (!farm) return { listings: 0, stockRows: 0 };

  const pictures = await Promise.all(
    [11, 12, 13].map(async (seed) => storeListingPhoto(await renderListingArt("agri_inputs", { shape: "sack", color: "#8d6e63", seed }), options.uploadDir)),
  );
  const hash = sqlite.prepare(`select password_hash from users where id = ?`).pluck().get(farmerId) as string;

  return sqlite.transaction(() => {
    const sellerUser = insertUserWithHash(db, { phone: DEMO_INPUT_SELLER_PHONE, displayName: "孙农资", passwordHash: hash, roles: ["farmer"] });
    const sellerId = createProducer(db, {
      kind: "input_seller",
      nameZh: "洛川县丰收农资经营部",
      nameEn: "Luochuan Fengshou Farm Supplies",
      ownerUserId: null,
      provinceId: farm.provinceId,
      countyId: farm.countyId,
      townshipId: farm.townshipId,
      // In the county town, not in the village: the village's signature product (洛川苹果) is not what it sells.
      villageId: null,
      creditCode: makeCreditCode(CREDIT_CODE_PREFIX.input_seller + farm.countyCode + "MA6CNRJ01"),
      address: "县城农资市场 12 号",
      contactPhone: DEMO_INPUT_SELLER_PHONE,
      descriptionZh: "经营农药、肥料、种苗，凭登记证销售，每批可追溯。",
      descriptionEn: "Pesticides, fertilisers and seedlings, sold by registration number; every batch traceable.",
    });
    addProducerMember(db, sellerId, sellerUser, "owner");
    const seller = actorFor(db, sellerUser);
    const admin = actorFor(db, adminId);

    // Catalogue entries (the platform admin's): a pesticide registered on apple, a maize seed; the fertiliser is a demo one.
    const catalogue = listAgriInputs(db);
    const pesticideId =
      catalogue.find((i) => i.nameZh === DEMO_PESTICIDE.nameZh)?.id ??
      addAgriInput(db, admin, {
        kind: "pesticide",
        nameZh: DEMO_PESTICIDE.nameZh,
        nameEn: "Demo imidacloprid 10% WP",
        registrationNo: DEMO_PESTICIDE.registrationNo,
        activeIngredient: "吡虫啉",
        maker: "演示农药有限公司",
        toxicityClass: "low_toxic",
        intervals: [{ target: "apple", intervalDays: 14, maxApplications: 2 }],
      });
    const seedId =
      catalogue.find((i) => i.kind === "seed" && i.nameZh === "郑单958玉米种子")?.id ??
      addAgriInput(db, admin, { kind: "seed", nameZh: "郑单958玉米种子", nameEn: "Zhengdan 958 maize seed", maker: "演示种业有限公司" });
    const fertilizer = catalogue.find((i) => i.kind === "fertilizer" && i.registrationNo === "农肥(2020)准字6612号");
    if (!fertilizer) throw new Error("demo fertiliser 农肥(2020)准字6612号 missing (seedDemoFertilizers)");

    const specs = [
      {
        agriInputId: pesticideId,
        registrationNo: DEMO_PESTICIDE.registrationNo,
        makerLotNo: DEMO_PESTICIDE.makerLotNo,
        unit: "bag" as const,
        priceFen: 1500,
        stock: 200,
        title: "10%吡虫啉可湿性粉剂 100克/袋",
      },
      {
        agriInputId: fertilizer.id,
        registrationNo: "农肥（2020）准字6612号",
        makerLotNo: "FL2026-09",
        unit: "bag" as const,
        priceFen: 9800,
        stock: 60,
        title: "大量元素水溶肥料 10公斤/袋",
      },
      { agriInputId: seedId, registrationNo: "", makerLotNo: "ZD2026-11", unit: "bag" as const, priceFen: 3500, stock: 300, title: "郑单958玉米种子 1千克/袋" },
    ];
    const listingIds = specs.map((s, i) => {
      const id = createInputListing(
        db,
        seller,
        {
          producerId: sellerId,
          ...s,
          producedOn: "2026-09-01",
          expiresOn: "2028-08-31",
          description: "凭登记证销售，发票随货。",
        },
        [pictures[i]],
      );
      setListingStatus(db, seller, id, "published");
      // Older than the produce listings, so the market still opens with this season's fruit.
      const at = now - (30 + i) * 86_400_000;
      sqlite.prepare(`update listings set created_at = ?, updated_at = ?, published_at = ? where id = ?`).run(at, at, at, id);
      return id;
    });

    // The demo farmer bought two bags of the pesticide, paid: the farm's input stock holds them.
    const point = sqlite.prepare(`select id from delivery_points where active = 1 and kind = 'village_station' order by id limit 1`).pluck().get() as
      number | undefined;
    let stockRows = 0;
    if (point !== undefined) {
      const farmer = actorFor(db, farmerId);
      addToCart(db, farmerId, listingIds[0], 2);
      const order = checkout(db, farmer, { contactPhone: DEMO_FARMER_PHONE, deliveryPointId: point }, { now });
      transitionOrder(db, order.orderId, "paid", "system", { now, note: "demo: paid input order" });
      stockRows = sqlite.prepare(`select count(*) from farm_input_stock where producer_id = ?`).pluck().get(farm.id) as number;
    }
    // A lot still growing on the farm, so the stock's one-tap application has somewhere to go.
    const appleProduct = sqlite.prepare(`select id from products where producer_id = ? and name_zh like '%苹果%' order by id limit 1`).pluck().get(farm.id) as
      number | undefined;
    if (appleProduct !== undefined) {
      createLotWithChain(db, {
        producerId: farm.id,
        productId: appleProduct,
        actorUserId: farmerId,
        crop: "apple",
        harvest: false,
        inputs: [],
        lotCode: "LC2027-GROW01",
        plot: { name: "北坡三号果园", areaMu: 12 },
        plantedAt: now - 200 * 86_400_000,
      });
    }
    return { listings: listingIds.length, stockRows };
  })();
}
