/** The origin printed in QR codes and EPCIS ids: PUBLIC_ORIGIN when set, else the request's own. */
import { getEnv } from "../../core/env";

export function publicOrigin(request: Request): string {
  const configured = getEnv().PUBLIC_ORIGIN;
  return (configured ?? new URL(request.url).origin).replace(/\/+$/, "");
}
