/** Great-circle distances (haversine on a 6371 km sphere): good to well under 1% at county scale. */
export type LatLng = { lat: number; lng: number };

const R_KM = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;

export function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const dLat = rad(bLat - aLat);
  const dLng = rad(bLng - aLng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(aLat)) * Math.cos(rad(bLat)) * Math.sin(dLng / 2) ** 2;
  return 2 * R_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export const distanceBetween = (a: LatLng, b: LatLng): number => distanceKm(a.lat, a.lng, b.lat, b.lng);
