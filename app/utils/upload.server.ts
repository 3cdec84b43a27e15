/**
 * Multipart form parsing for photo uploads. Files are kept in memory (each at most
 * MAX_PHOTO_BYTES; the whole request at most MAX_UPLOAD_REQUEST_BYTES) and handed to
 * storeListingPhoto, which checks them by content.
 *
 * An oversize photo must not turn into a 500 or lose what the farmer typed, so a part that
 * exceeds the limit is dropped and reported (the parser drains the rest of that part itself),
 * and the remaining fields are still parsed.
 */
import type { SubmissionResult } from "@conform-to/react";
import fs from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import {
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
} from "@remix-run/node";
import { MAX_PHOTO_BYTES, MAX_PHOTOS_PER_LISTING, PhotoRejectedError, storeListingPhoto, type StoredPhoto } from "../../market/photos/photos";

/** Six full-size photos plus 1 MB for the text fields and multipart overhead. */
export const MAX_UPLOAD_REQUEST_BYTES = MAX_PHOTOS_PER_LISTING * MAX_PHOTO_BYTES + 1024 * 1024;
/** Plain (non-multipart) forms are small. */
const MAX_PLAIN_FORM_BYTES = 1024 * 1024;

/** The request body is larger than MAX_UPLOAD_REQUEST_BYTES: answer 413 with "farm.upload.tooLarge". */
export class RequestTooLargeError extends Error {
  constructor() {
    super("request too large");
  }
}

export type UploadForm = {
  formData: FormData;
  /** Names of file fields that had a part over MAX_PHOTO_BYTES (dropped from formData). */
  oversizeFields: string[];
};

/** Counts the bytes of a body as it streams and errors once it passes `limit`. */
function limitBody(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        return controller.error(new RequestTooLargeError());
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * Reads a form that may carry photos. Works for multipart and for plain url-encoded forms
 * (the edit page's status buttons). Throws RequestTooLargeError; never MaxPartSizeExceededError
 * for a file part.
 */
export async function parseUploadForm(request: Request): Promise<UploadForm> {
  const contentType = request.headers.get("Content-Type") ?? "";
  const isMultipart = contentType.startsWith("multipart/form-data");
  const limit = isMultipart ? MAX_UPLOAD_REQUEST_BYTES : MAX_PLAIN_FORM_BYTES;
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (Number.isFinite(declared) && declared > limit) throw new RequestTooLargeError();
  if (!request.body) return { formData: new FormData(), oversizeFields: [] };
  const limited = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: limitBody(request.body, limit),
    // Node's fetch needs this for a streamed body.
    duplex: "half",
  } as RequestInit & { duplex: "half" });
  if (!isMultipart) return { formData: await limited.formData(), oversizeFields: [] };

  const oversizeFields: string[] = [];
  const memory = unstable_createMemoryUploadHandler({
    maxPartSize: MAX_PHOTO_BYTES,
    // An empty file input is sent as a part with an empty file name: not a photo.
    filter: ({ filename }) => filename !== "",
  });
  const tolerant: UploadHandler = async (part) => {
    try {
      return await memory(part);
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError && typeof part.filename === "string") {
        oversizeFields.push(part.name);
        return undefined;
      }
      throw error;
    }
  };
  try {
    const formData = await unstable_parseMultipartFormData(limited, unstable_composeUploadHandlers(tolerant));
    return { formData, oversizeFields };
  } catch (error) {
    // A text field over the part limit is not something a real form sends; treat as too large.
    if (error instanceof MaxPartSizeExceededError) throw new RequestTooLargeError();
    throw error;
  }
}

/** A Conform reply carrying only the form-level "upload too large" error (the body was never parsed). */
export function uploadTooLargeResult(): SubmissionResult<string[]> {
  return { status: "error", initialValue: null, error: { "": ["farm.upload.tooLarge"] } };
}

/** The non-empty files submitted under `name`. */
export function filesOf(formData: FormData, name: string): File[] {
  return formData.getAll(name).filter((v): v is File => typeof v === "object" && v !== null && "arrayBuffer" in v && v.size > 0);
}

export type StagedPhotos = {
  photos: StoredPhoto[];
  /** Moves the staged files into the upload directory: call once every check has passed. */
  commit(): Promise<void>;
  /** Deletes the staged files: call when anything failed. */
  discard(): Promise<void>;
};

/**
 * Checks and converts every photo into a private staging folder (dot-named, so never served),
 * so that nothing reaches the upload directory unless all photos are accepted.
 * Throws PhotoRejectedError with the first rejected photo's reason.
 */
export async function stagePhotos(files: File[], uploadDir: string): Promise<StagedPhotos> {
  const staging = path.join(uploadDir, `.staging-${randomBytes(8).toString("hex")}`);
  const discard = () => fs.rm(staging, { recursive: true, force: true });
  const photos: StoredPhoto[] = [];
  try {
    for (const file of files) {
      if (file.size > MAX_PHOTO_BYTES) throw new PhotoRejectedError("photo.tooLarge");
      photos.push(await storeListingPhoto(Buffer.from(await file.arrayBuffer()), staging));
    }
  } catch (error) {
    await discard();
    throw error;
  }
  return {
    photos,
    async commit() {
      for (const photo of photos) {
        // Same name means same content (content hash), so replacing an existing file is harmless.
        await fs.rename(path.join(staging, photo.fileKey), path.join(uploadDir, photo.fileKey)).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== "ENOENT") throw e; // ENOENT: the same photo twice in one upload, already moved
        });
      }
      await discard();
    },
    discard,
  };
}
