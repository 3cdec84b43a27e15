/** The logistics domain as the web layer reaches it (see market.server.ts for why routes import through a `.server` gateway). */
export * from "../logistics/labels";
export * from "../logistics/manifests";
export * from "../logistics/network-admin";
export * from "../logistics/points-admin";
