// Single Fetch (v3_singleFetch) types for useLoaderData/useActionData.
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
