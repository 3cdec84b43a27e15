/** The kernel's server-only parts (validated environment, logger) as the web layer reaches them; see market.server.ts for why. */
export * from "../core/env";
export * from "../core/logger";
export * from "../core/once";
