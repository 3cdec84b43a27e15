/** Statistics (oversight/) as routes reach them: server-only (SQLite), see market.server.ts. */
export * from "../oversight/queries";
export * from "../oversight/csv";
