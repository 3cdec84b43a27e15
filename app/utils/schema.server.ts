/**
 * Table definitions for loaders and actions that query them directly. A `.server` module is empty
 * in the browser build, so importing tables through here keeps drizzle-orm and the whole schema
 * out of a page's client bundle (a plain import of db/schema is kept there for its side effects).
 */
export { categories, users } from "../../db/schema";
