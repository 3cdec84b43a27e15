export { getDb } from "../../db/client";
