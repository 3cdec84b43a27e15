/**
 * How loaded a delivery point is, as the network view colours it. Plain constants and one pure
 * function, so that the admin page may show the thresholds in the browser too.
 */

/** From this use on a point counts as overloaded (and its marker is red). */
export const OVERLOAD_PCT = 85;
/** Below this a point is comfortably loaded (green marker); in between amber. */
export const BUSY_PCT = 60;

export type LoadLevel = "low" | "medium" | "high";

export function loadLevel(usePct: number): LoadLevel {
  return usePct >= OVERLOAD_PCT ? "high" : usePct >= BUSY_PCT ? "medium" : "low";
}
