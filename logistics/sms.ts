/**
 * Text messages to buyers (arrival with the pickup code, holding reminders). The platform has no SMS
 * gateway contract yet: the default sender writes a structured log line (pino), which is also what
 * an operator would grep for in a dispute; a real gateway implements SmsSender. Tests install a
 * recording sender with setSmsSender. Plain module, no Remix.
 *
 * Sending happens AFTER the database transaction committed (a rolled-back arrival sends nothing),
 * and a failed send never undoes the arrival: the code is in the buyer's app too.
 */
import { shanghaiDateTime } from "../core/clock";
import { logger as appLogger } from "../core/logger";

export interface SmsSender {
  send(phone: string, text: string): Promise<void> | void;
}

type LoggerLike = { info: (obj: object, msg?: string) => void };

/** Logs the message instead of sending it (development, demo, and until a gateway is chosen). */
export class LoggingSmsSender implements SmsSender {
  constructor(private readonly log: LoggerLike = appLogger) {}
  send(phone: string, text: string): void {
    // The full text carries the pickup code: log the number masked, as a gateway's receipt would.
    this.log.info({ sms: { to: maskPhone(phone), text } }, "sms");
  }
}

let current: SmsSender = new LoggingSmsSender();

export function getSmsSender(): SmsSender {
  return current;
}

/** Replaces the process-wide sender (tests: a recording one); returns the previous one. */
export function setSmsSender(sender: SmsSender): SmsSender {
  const previous = current;
  current = sender;
  return previous;
}

/** Sends without letting a gateway failure escape (logged; the in-app notice is the fallback). */
export function sendSmsSafely(phone: string, text: string): void {
  try {
    const r = current.send(phone, text);
    if (r && typeof (r as Promise<void>).catch === "function") {
      (r as Promise<void>).catch((err: unknown) => appLogger.warn({ err, to: maskPhone(phone) }, "sms failed"));
    }
  } catch (err) {
    appLogger.warn({ err, to: maskPhone(phone) }, "sms failed");
  }
}

/** 138****0001: enough for an operator to match a buyer, not enough to call them. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length < 7) return "****";
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

// SMS texts are Chinese only: mainland numbers, and carriers require the signature 【村品】 first.

// As 菜鸟's: the code first, the point, its opening hours and the deadline.
export function arrivalSms(p: { pointName: string; openingHours: string; code: string; holdUntil: number; parcelCode: string }): string {
  return `【村品】取件码${p.code}，您的包裹${p.parcelCode}已到${p.pointName}（营业时间${p.openingHours}），请于${shanghaiDateTime(p.holdUntil)}前取件。`;
}

export function reminderSms(p: { pointName: string; openingHours: string; code: string; holdUntil: number; parcelCode: string }): string {
  return `【村品】提醒：您在${p.pointName}（营业时间${p.openingHours}）的包裹${p.parcelCode}将于${shanghaiDateTime(p.holdUntil)}超期退回，取件码${p.code}，请尽快取件。`;
}
