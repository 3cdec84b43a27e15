/** A benchmark setting from the environment: a whole number from 1 to `max`, else `fallback`. */
export function setting(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new Error(`bench: ${name} must be a whole number from 1 to ${max}, got ${raw}`);
  return n;
}
