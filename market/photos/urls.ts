/**
 * What pages need to know about photos, without the image pipeline (sharp, node:fs), so that a
 * page component may import it and the browser bundle stays free of server code.
 */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_PHOTOS_PER_LISTING = 6;

/** Public URL of a stored photo (served by server.js from UPLOAD_DIR). */
export function photoUrl(fileKey: string): string {
  return `/uploads/${fileKey}`;
}
