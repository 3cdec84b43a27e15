/**
 * The farmer's workflow below the routes: the form schemas (as Conform parses real FormData),
 * the listing and producer write functions against a real SQLite file, the photo pipeline,
 * and the multipart parsing that feeds it.
 */
import { parseWithZod } from "@conform-to/zod";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import * as dbSchema from "../../db/schema";
import { CREDIT_CODE_ALPHABET, makeCreditCode } from "../../core/credit-code";
import { createListing, getFarmOverview, getListingForEdit, setListingStatus, updateListing, type ListingInput } from "../../market/listings/listings";
import { DomainRuleError, ForbiddenError } from "../../core/errors";
import {
  CATEGORY_SLUGS,
  CERTIFICATION_KINDS,
  EditListingSchema,
  MAX_PHOTO_MB,
  MAX_PHOTOS,
  NewListingSchema,
  PRODUCER_KINDS,
  RegisterProducerSchema,
  ReviewProducerSchema,
  UNITS,
} from "~/listings/schemas";
import { MAX_PHOTO_BYTES, MAX_PHOTOS_PER_LISTING, PhotoRejectedError, storeListingPhoto } from "../../market/photos/photos";
import { getProducerReviewQueue, registerProducer, resolveProducerPlace, reviewProducer } from "../../market/producers/producers";
import { filesOf, MAX_UPLOAD_REQUEST_BYTES, parseUploadForm, RequestTooLargeError, stagePhotos } from "~/utils/upload.server";
import {
  actorFor,
  addProducerMember,
  categoryIds,
  createLotWithChain,
  createProducer,
  createTestDatabase,
  createUser,
  createVillage,
  ensureTestRegions,
  makeTestImage,
} from "../../seeds/factories";

// ─── helpers ─────────────────────────────────────────────────────────────────

function form(entries: Record<string, string | string[] | File | File[]>): FormData {
  const fd = new FormData();
  for (const [key, value] of Object.entries(entries)) {
    for (const v of Array.isArray(value) ? value : [value]) fd.append(key, v);
  }
  return fd;
}

const validListing = {
  intent: "save",
  producerId: "1",
  category: "fruit",
  productName: "红富士苹果",
  title: "洛川红富士苹果 10 斤装",
  description: "脆甜",
  unit: "jin",
  price: "12.5",
  stock: "100",
};

function parseNew(overrides: Record<string, string | string[] | File | File[]> = {}) {
  return parseWithZod(form({ ...validListing, ...overrides }), { schema: NewListingSchema });
}

function errorsOf(submission: ReturnType<typeof parseNew>, field: string): string[] {
  return submission.status === "error" ? (submission.error?.[field] ?? []) : [];
}

// ─── schemas ─────────────────────────────────────────────────────────────────

describe("listing form schema", () => {
  test("a complete form parses, price into integer fen and stock into a number", () => {
    const s = parseNew({ certifications: ["organic", "green_food"] });
    expect(s.status).toBe("success");
    if (s.status !== "success") return;
    expect(s.value).toMatchObject({ producerId: 1, category: "fruit", unit: "jin", price: 1250, stock: 100 });
    expect(s.value.certifications).toEqual(["organic", "green_food"]);
    expect(s.value.photos).toEqual([]);
  });

  test.each([
    ["12.5", 1250],
    ["12.50", 1250],
    ["¥12", 1200],
    ["１２.５", 1250],
    [" 0.01 ", 1],
    ["1,000,000", 100_000_000],
    ["0", 0],
  ])("price %j → %d fen", (price, fen) => {
    const s = parseNew({ price });
    expect(s.status === "success" && s.value.price).toBe(fen);
  });

  test.each([
    ["12.345", "farm.price.decimals"],
    ["-1", "farm.price.negative"],
    ["-0.5", "farm.price.negative"],
    ["abc", "farm.price.invalid"],
    ["12元", "farm.price.invalid"],
    ["1e3", "farm.price.invalid"],
    ["1000000.01", "farm.price.tooHigh"],
    ["99999999999", "farm.price.tooHigh"],
    ["", "farm.price.required"],
  ])("price %j is refused with %s", (price, message) => {
    expect(errorsOf(parseNew({ price }), "price")).toEqual([message]);
  });

  test.each([
    ["1.5", "farm.stock.invalid"],
    ["-1", "farm.stock.negative"],
    ["1000001", "farm.stock.tooHigh"],
    ["lots", "farm.stock.invalid"],
    ["", "farm.stock.required"],
  ])("stock %j is refused with %s", (stock, message) => {
    expect(errorsOf(parseNew({ stock }), "stock")).toEqual([message]);
  });

  test("stock limits are inclusive", () => {
    expect(parseNew({ stock: "0" }).status).toBe("success");
    expect(parseNew({ stock: "1000000" }).status).toBe("success");
  });

  test("every unit is accepted, anything else is not", () => {
    for (const unit of UNITS) expect(parseNew({ unit }).status).toBe("success");
    expect(errorsOf(parseNew({ unit: "ton" }), "unit")).toEqual(["farm.unit.required"]);
    expect(errorsOf(parseNew({ category: "toys" }), "category")).toEqual(["farm.category.required"]);
  });

  test("certifications: none, one (a single checkbox), unknown", () => {
    const none = parseNew();
    expect(none.status === "success" && none.value.certifications).toEqual([]);
    const one = parseNew({ certifications: "organic" });
    expect(one.status === "success" && one.value.certifications).toEqual(["organic"]);
    expect(parseNew({ certifications: ["organic", "halal"] }).status).toBe("error");
  });

  test("titles and names are trimmed and limited", () => {
    expect(errorsOf(parseNew({ title: "" }), "title")).toEqual(["farm.title.required"]);
    expect(errorsOf(parseNew({ title: "  苹 " }), "title")).toEqual(["farm.title.tooShort"]);
    expect(errorsOf(parseNew({ title: "苹" }), "title")).toEqual(["farm.title.tooShort"]);
    expect(errorsOf(parseNew({ title: "苹".repeat(61) }), "title")).toEqual(["farm.title.tooLong"]);
    expect(errorsOf(parseNew({ productName: "" }), "productName")).toEqual(["farm.productName.required"]);
    expect(errorsOf(parseNew({ producerId: "x" }), "producerId")).toEqual(["farm.producer.required"]);
  });

  test("photos: empty file inputs are ignored, more than six are refused", () => {
    const empty = new File([], "", { type: "application/octet-stream" });
    const s = parseNew({ photos: [empty, empty] });
    expect(s.status === "success" && s.value.photos).toEqual([]);
    const photo = new File([new Uint8Array(10)], "a.jpg", { type: "image/jpeg" });
    const ok = parseNew({ photos: [photo, empty] });
    expect(ok.status === "success" && ok.value.photos.length).toBe(1);
    expect(errorsOf(parseNew({ photos: Array.from({ length: 7 }, () => photo) }), "photos")).toEqual(["photo.tooMany"]);
  });

  test("edit form: photo ids to remove are numbers", () => {
    const s = parseWithZod(form({ ...validListing, removePhotoIds: ["3", "5"] }), { schema: EditListingSchema });
    expect(s.status === "success" && s.value.removePhotoIds).toEqual([3, 5]);
  });

  test("the form's lists match the database enumerations and the photo limits", () => {
    expect([...UNITS]).toEqual([...dbSchema.UNITS]);
    expect([...CATEGORY_SLUGS]).toEqual([...dbSchema.CATEGORY_SLUGS]);
    expect([...CERTIFICATION_KINDS]).toEqual([...dbSchema.CERTIFICATION_KINDS]);
    expect([...PRODUCER_KINDS]).toEqual([...dbSchema.PRODUCER_KINDS]);
    expect(MAX_PHOTOS).toBe(MAX_PHOTOS_PER_LISTING);
    expect(MAX_PHOTO_MB * 1024 * 1024).toBe(MAX_PHOTO_BYTES);
  });
});

describe("producer and review schemas", () => {
  const base = { kind: "family_farm", nameZh: "张家猕猴桃家庭农场", address: "蒲江县鹤山街道明月村", provinceId: "1", countyId: "3" };
  const good = makeCreditCode("92510131MA6ABCDE1");

  test("a well-formed code is normalised; a wrong check character is NOT a form error", () => {
    const s = parseWithZod(form({ ...base, creditCode: ` ${good.toLowerCase().slice(0, 9)}-${good.slice(9)} ` }), { schema: RegisterProducerSchema });
    expect(s.status === "success" && s.value.creditCode).toBe(good);
    const wrong = good.slice(0, 17) + (good[17] === "0" ? "1" : "0");
    expect(parseWithZod(form({ ...base, creditCode: wrong }), { schema: RegisterProducerSchema }).status).toBe("success");
  });

  test.each([
    ["9251013", "producer.creditCode.length"],
    ["92510131MA6ABCDE1I", "producer.creditCode.characters"],
    ["92AB0131MA6ABCDE1X", "producer.creditCode.division"],
  ])("credit code %s → %s", (creditCode, message) => {
    const s = parseWithZod(form({ ...base, creditCode }), { schema: RegisterProducerSchema });
    expect(s.status === "error" && s.error?.creditCode).toEqual([message]);
  });

  test("contact phone is optional but must be a mobile number when given", () => {
    const none = parseWithZod(form({ ...base, creditCode: good, contactPhone: "" }), { schema: RegisterProducerSchema });
    expect(none.status === "success" && none.value.contactPhone).toBe(null);
    const bad = parseWithZod(form({ ...base, creditCode: good, contactPhone: "12345" }), { schema: RegisterProducerSchema });
    expect(bad.status === "error" && bad.error?.contactPhone).toEqual(["auth.invalidPhone"]);
  });

  test("a rejection needs a note; an approval does not", () => {
    const reject = parseWithZod(form({ producerId: "4", decision: "rejected", note: " " }), { schema: ReviewProducerSchema });
    expect(reject.status === "error" && reject.error?.note).toEqual(["admin.note.requiredForReject"]);
    expect(parseWithZod(form({ producerId: "4", decision: "approved" }), { schema: ReviewProducerSchema }).status).toBe("success");
    expect(parseWithZod(form({ producerId: "4", decision: "maybe" }), { schema: ReviewProducerSchema }).status).toBe("error");
  });
});

// ─── domain write functions on a real database ───────────────────────────────

describe("listings and producers on SQLite", () => {
  let db: Db;
  let cleanup: () => void;
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-listing-forms-"));
  let farmer: Awaited<ReturnType<typeof createUser>>;
  let stranger: Awaited<ReturnType<typeof createUser>>;
  let producerId: number;
  let otherProducerId: number;

  beforeAll(async () => {
    ({ db, cleanup } = createTestDatabase());
    farmer = await createUser(db, { roles: ["farmer"] });
    stranger = await createUser(db, { roles: ["farmer"] });
    producerId = createProducer(db, { ownerUserId: farmer.id });
    otherProducerId = createProducer(db, { ownerUserId: stranger.id, kind: "family_farm" });
  });
  afterAll(() => {
    cleanup();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  const input = (over: Partial<ListingInput> = {}): ListingInput => ({
    producerId,
    categoryId: categoryIds(db).fruit,
    productName: "红富士苹果",
    title: "洛川红富士苹果 10 斤装",
    description: "",
    unit: "jin",
    priceFen: 5880,
    stock: 10,
    certifications: ["geographical_indication"],
    ...over,
  });

  test("a farmer creates a listing with a photo and publishes it; the dashboard shows it", async () => {
    const actor = actorFor(db, farmer.id);
    const photo = await storeListingPhoto(await makeTestImage({ format: "jpeg" }), uploadDir);
    const id = createListing(db, actor, input(), [photo]);
    expect(getListingForEdit(db, actor, id).listing.status).toBe("draft");
    // Every listing sells from a lot with a complete trace chain (the publish gate checks it).
    const { productId } = getListingForEdit(db, actor, id).listing;
    createLotWithChain(db, { producerId, productId, actorUserId: farmer.id, listingId: id });
    setListingStatus(db, actor, id, "published");
    const { listing, photos, certifications } = getListingForEdit(db, actor, id);
    expect(listing.status).toBe("published");
    expect(listing.publishedAt).toBeGreaterThan(0);
    expect(photos).toHaveLength(1);
    expect(certifications).toEqual(["geographical_indication"]);
    const overview = getFarmOverview(db, actor);
    expect(overview.producers.map((p) => p.id)).toEqual([producerId]);
    expect(overview.listings.find((l) => l.id === id)).toMatchObject({ status: "published", photoKey: photo.fileKey, priceFen: 5880 });
  });

  test("a farmer of another producer can neither update nor change the status (and nothing changes)", () => {
    const owner = actorFor(db, farmer.id);
    const id = createListing(db, owner, input({ title: "只属于合作社的商品" }));
    const intruder = actorFor(db, stranger.id);
    expect(() => updateListing(db, intruder, id, { ...input({ title: "被改了" }) })).toThrow(ForbiddenError);
    expect(() => setListingStatus(db, intruder, id, "paused")).toThrow(ForbiddenError);
    expect(() => getListingForEdit(db, intruder, id)).toThrow(ForbiddenError);
    expect(() => createListing(db, intruder, input())).toThrow(ForbiddenError);
    const row = db.select().from(dbSchema.listings).where(eq(dbSchema.listings.id, id)).get()!;
    expect(row).toMatchObject({ title: "只属于合作社的商品", status: "draft" });
    expect(getFarmOverview(db, intruder).listings.some((l) => l.id === id)).toBe(false);
  });

  test("publishing without a photo is a domain rule error", () => {
    const actor = actorFor(db, farmer.id);
    const id = createListing(db, actor, input());
    expect(() => setListingStatus(db, actor, id, "published")).toThrow(DomainRuleError);
    try {
      setListingStatus(db, actor, id, "published");
    } catch (e) {
      expect((e as DomainRuleError).messageKey).toBe("farm.publishNeedsPhoto");
    }
  });

  test("create + publish in one transaction leaves nothing behind when publishing fails", () => {
    const actor = actorFor(db, farmer.id);
    const count = () => db.select().from(dbSchema.listings).all().length;
    const before = count();
    expect(() =>
      db.transaction(() => {
        const id = createListing(db, actor, input({ title: "回滚测试" }));
        setListingStatus(db, actor, id, "published");
      }),
    ).toThrow(DomainRuleError);
    expect(count()).toBe(before);
  });

  test("registerProducer refuses a wrong format and sends a bad check character to review", async () => {
    const applicant = await createUser(db);
    const actor = actorFor(db, applicant.id);
    const place = ensureTestRegions(db);
    const base = { kind: "family_farm" as const, nameZh: "王家果园", address: "洛川县凤栖街道", provinceId: place.provinceId, countyId: place.countyId };
    expect(() => registerProducer(db, actor, { ...base, creditCode: "123" })).toThrow(DomainRuleError);
    try {
      registerProducer(db, actor, { ...base, creditCode: "123" });
    } catch (e) {
      expect((e as DomainRuleError).messageKey).toBe("producer.creditCode.length");
    }
    const good = makeCreditCode("92610629MA6WJ0001");
    const wrong = good.slice(0, 17) + CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf(good[17]) + 1) % 31];
    const result = registerProducer(db, actor, { ...base, creditCode: wrong });
    expect(result.status).toBe("pending_review");
    // The applicant became its owner and a farmer.
    expect(actorFor(db, applicant.id)).toMatchObject({ producerIds: [result.id] });
    expect(actorFor(db, applicant.id).roles).toContain("farmer");
    expect(() => registerProducer(db, actor, { ...base, creditCode: wrong })).toThrow(DomainRuleError);
    expect(registerProducer(db, actor, { ...base, nameZh: "王家果园二场", creditCode: good }).status).toBe("valid");

    // Only a platform admin reviews, once.
    expect(() => reviewProducer(db, actor, result.id, "approved", "")).toThrow(ForbiddenError);
    expect(() => getProducerReviewQueue(db, actor)).toThrow(ForbiddenError);
    const admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"] })).id);
    const queue = getProducerReviewQueue(db, admin);
    expect(queue.pending.find((p) => p.id === result.id)?.expectedCheck).toBe(good[17]);
    reviewProducer(db, admin, result.id, "approved", "核对营业执照");
    expect(() => reviewProducer(db, admin, result.id, "rejected", "x")).toThrow(DomainRuleError);
    expect(getProducerReviewQueue(db, admin).recent[0]).toMatchObject({ id: result.id, creditCodeStatus: "approved", reviewNote: "核对营业执照" });
  });

  test("a producer's place must be consistent: county in province, village in county", () => {
    const place = ensureTestRegions(db);
    const village = createVillage(db);
    expect(resolveProducerPlace(db, { provinceId: place.provinceId, countyId: place.countyId, villageId: village })).toMatchObject({
      ok: true,
      townshipId: place.townshipId,
    });
    expect(resolveProducerPlace(db, { provinceId: place.provinceId, countyId: place.provinceId })).toMatchObject({ ok: false, field: "countyId" });
    expect(resolveProducerPlace(db, { provinceId: place.provinceId, countyId: place.countyId, villageId: 999_999 })).toMatchObject({
      ok: false,
      field: "villageId",
    });
  });

  test("a member added later may manage the producer's listings", async () => {
    const helper = await createUser(db);
    addProducerMember(db, otherProducerId, helper.id, "member");
    const actor = actorFor(db, helper.id);
    expect(() => createListing(db, actor, input({ producerId: otherProducerId }))).not.toThrow();
  });
});

// ─── photos ──────────────────────────────────────────────────────────────────

describe("storeListingPhoto", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-photos-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("rejects a text file renamed .jpg (content, not name, decides)", async () => {
    const text = Buffer.from("just some text pretending to be a.jpg\n".repeat(50));
    await expect(storeListingPhoto(text, dir)).rejects.toMatchObject({ messageKey: "photo.notImage" });
  });

  test("rejects anything over 10 MB before decoding it", async () => {
    await expect(storeListingPhoto(Buffer.alloc(MAX_PHOTO_BYTES + 1), dir)).rejects.toBeInstanceOf(PhotoRejectedError);
    await expect(storeListingPhoto(Buffer.alloc(MAX_PHOTO_BYTES + 1), dir)).rejects.toMatchObject({ messageKey: "photo.tooLarge" });
  });

  test("strips EXIF metadata", async () => {
    const withExif = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#8bc34a" } })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: "x" } } })
      .toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();
    const stored = await storeListingPhoto(withExif, dir);
    const out = fs.readFileSync(path.join(dir, stored.fileKey));
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe("webp");
    expect(meta.exif).toBeUndefined();
    expect(out.includes(Buffer.from("Copyright"))).toBe(false);
  });

  test("resizes a 3000×2000 photo to at most 1280 px", async () => {
    const large = await makeTestImage({ width: 3000, height: 2000, format: "jpeg" });
    const stored = await storeListingPhoto(large, dir);
    expect(Math.max(stored.width, stored.height)).toBeLessThanOrEqual(1280);
    expect(stored).toMatchObject({ width: 1280, height: 853 });
    const meta = await sharp(fs.readFileSync(path.join(dir, stored.fileKey))).metadata();
    expect([meta.width, meta.height]).toEqual([1280, 853]);
  });
});

// ─── multipart parsing ───────────────────────────────────────────────────────

describe("parseUploadForm and stagePhotos", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-upload-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const multipart = (fd: FormData, headers: Record<string, string> = {}) => {
    const req = new Request("http://localhost/farm/listings/new", { method: "POST", body: fd });
    // Rebuild with an explicit body so that the Content-Length header can be set or forged.
    return req.arrayBuffer().then(
      (body) =>
        new Request("http://localhost/farm/listings/new", {
          method: "POST",
          body,
          headers: { "Content-Type": req.headers.get("Content-Type")!, "Content-Length": String(body.byteLength), ...headers },
        }),
    );
  };

  test("keeps text fields and photos; drops empty file inputs", async () => {
    const jpeg = await makeTestImage({ format: "jpeg", width: 40, height: 30 });
    const fd = form({
      title: "苹果",
      photos: [new File([new Uint8Array(jpeg)], "a.jpg", { type: "image/jpeg" }), new File([], "", { type: "application/octet-stream" })],
    });
    const { formData, oversizeFields } = await parseUploadForm(await multipart(fd));
    expect(formData.get("title")).toBe("苹果");
    expect(filesOf(formData, "photos")).toHaveLength(1);
    expect(oversizeFields).toEqual([]);
  });

  test("an oversize photo is reported, not thrown, and the other fields survive", async () => {
    const fd = form({
      photos: new File([new Uint8Array(MAX_PHOTO_BYTES + 10)], "big.jpg", { type: "image/jpeg" }),
      title: "还在",
    });
    const { formData, oversizeFields } = await parseUploadForm(await multipart(fd));
    expect(oversizeFields).toEqual(["photos"]);
    expect(filesOf(formData, "photos")).toHaveLength(0);
    expect(formData.get("title")).toBe("还在");
  });

  test("a request over the total cap is refused from its Content-Length", async () => {
    const fd = form({ title: "x" });
    const req = await multipart(fd, { "Content-Length": String(MAX_UPLOAD_REQUEST_BYTES + 1) });
    await expect(parseUploadForm(req)).rejects.toBeInstanceOf(RequestTooLargeError);
  });

  test("plain url-encoded forms (the status buttons) parse too", async () => {
    const req = new Request("http://localhost/x", {
      method: "POST",
      body: new URLSearchParams({ intent: "publish" }),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect((await parseUploadForm(req)).formData.get("intent")).toBe("publish");
  });

  test("stagePhotos stores nothing in the upload dir when one photo is rejected", async () => {
    const good = new File([new Uint8Array(await makeTestImage({ format: "png", color: "#123456" }))], "a.png");
    const bad = new File([new TextEncoder().encode("not an image")], "b.jpg");
    await expect(stagePhotos([good, bad], dir)).rejects.toMatchObject({ messageKey: "photo.notImage" });
    expect(fs.readdirSync(dir)).toEqual([]);
    const staged = await stagePhotos([good], dir);
    expect(fs.readdirSync(dir).filter((f) => !f.startsWith("."))).toEqual([]);
    await staged.commit();
    expect(fs.readdirSync(dir)).toEqual([staged.photos[0].fileKey]);
  });
});
