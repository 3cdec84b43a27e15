/** Mainland China mobile numbers: 11 digits starting 1[3-9]; +86 / 0086 and separators are dropped. */
export function normalisePhone(input: string): string | null {
  const digits = input
    .normalize("NFKC")
    .replace(/[\s\-()]/g, "")
    .replace(/^(\+86|0086|86(?=1\d{10}$))/, "");
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** 13800138000 → 138****8000, for showing someone else's number. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone;
}
