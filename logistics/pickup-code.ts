/**
 * Pickup codes (取件码): six digits the buyer shows at the point. They are never stored: the code is
 * an HOTP-style dynamic truncation (RFC 4226 §5.3) of HMAC-SHA256(PICKUP_CODE_SECRET,
 * "<parcelId>:<nonce>") mod 10^6, and only the random nonce lives in parcels.pickup_code_nonce. A
 * leaked database without the secret therefore reveals no usable code; a new nonce (at arrival)
 * makes a new code. Plain module, no Remix.
 */
import crypto from "node:crypto";
import { getEnv } from "../core/env";

export const PICKUP_CODE_DIGITS = 6;
const MODULUS = 10 ** PICKUP_CODE_DIGITS;

/** 128 random bits, base64url: what is stored instead of the code. */
export function newPickupNonce(): string {
  return crypto.randomBytes(16).toString("base64url");
}

export function pickupCodeSecret(): string {
  return getEnv().PICKUP_CODE_SECRET;
}

/** The parcel's current code for this nonce: always six digits, zero-padded. */
export function pickupCode(parcelId: number, nonce: string, secret: string = pickupCodeSecret()): string {
  const mac = crypto.createHmac("sha256", secret).update(`${parcelId}:${nonce}`).digest();
  // Dynamic truncation: the low nibble of the last byte picks 4 bytes; the top bit is dropped.
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(bin % MODULUS).padStart(PICKUP_CODE_DIGITS, "0");
}

/** What an operator typed → six digits, or null (spaces ignored; full-width digits accepted). */
export function normalisePickupCode(input: string): string | null {
  const s = input.replace(/[\s-]/g, "").replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return /^\d{6}$/.test(s) ? s : null;
}

/** Constant-time comparison of what was typed with the parcel's code. */
export function verifyPickupCode(parcelId: number, nonce: string, input: string, secret: string = pickupCodeSecret()): boolean {
  const typed = normalisePickupCode(input);
  const expected = Buffer.from(pickupCode(parcelId, nonce, secret));
  // Same length always (six ASCII digits); a malformed input is compared against itself-sized junk.
  const actual = Buffer.from(typed ?? "xxxxxx");
  return crypto.timingSafeEqual(expected, actual) && typed !== null;
}

/** What the buyer's QR encodes: the operator's scanner gets the parcel and its code in one read. */
export function pickupQrPayload(parcelCode: string, code: string): string {
  return `CUNPIN-PICKUP:${parcelCode}:${code}`;
}

/** Reads a scanned pickup QR back; null when the text is not one. */
export function parsePickupQrPayload(text: string): { parcelCode: string; code: string } | null {
  const m = /^CUNPIN-PICKUP:([0-9A-Z]{10}):(\d{6})$/.exec(text.trim());
  return m ? { parcelCode: m[1], code: m[2] } : null;
}
