/**
 * Listing photos: checked by content (sharp must decode it as an image; the file name and
 * declared type are ignored), size-limited, auto-rotated, resized to at most 1280 px, and
 * re-encoded as WebP, which drops EXIF (GPS position, camera serial) and other metadata.
 * Stored under UPLOAD_DIR by content hash, so the same photo is stored once.
 */
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import sharp, { type Metadata, type OutputInfo } from "sharp";

import { MAX_PHOTO_BYTES } from "./urls";

export { MAX_PHOTO_BYTES, MAX_PHOTOS_PER_LISTING, photoUrl } from "./urls";
const MAX_EDGE = 1280;
const MAX_INPUT_PIXELS = 50_000_000; // refuses decompression bombs
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp", "heif", "avif", "gif", "tiff"]);

export class PhotoRejectedError extends Error {
  /** i18n key: photo.tooLarge, photo.notImage, photo.tooMany */
  constructor(public messageKey: "photo.tooLarge" | "photo.notImage" | "photo.tooMany") {
    super(messageKey);
  }
}

export type StoredPhoto = { fileKey: string; width: number; height: number; bytes: number };

export async function storeListingPhoto(input: Buffer, uploadDir: string): Promise<StoredPhoto> {
  if (input.byteLength > MAX_PHOTO_BYTES) throw new PhotoRejectedError("photo.tooLarge");
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    throw new PhotoRejectedError("photo.notImage");
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format) || !meta.width || !meta.height) {
    throw new PhotoRejectedError("photo.notImage");
  }
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, animated: false })
      .rotate() // apply EXIF orientation before the metadata is dropped
      .resize({ width: MAX_EDGE, height: MAX_EDGE, fit: "inside", withoutEnlargement: true })
      .webp({ quality: 78 })
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw new PhotoRejectedError("photo.notImage");
  }
  const fileKey = createHash("sha256").update(output.data).digest("hex").slice(0, 32) + ".webp";
  await fs.mkdir(uploadDir, { recursive: true });
  const target = path.join(uploadDir, fileKey);
  await fs.writeFile(target, output.data, { flag: "wx" }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "EEXIST") throw e;
  });
  return { fileKey, width: output.info.width, height: output.info.height, bytes: output.data.byteLength };
}
