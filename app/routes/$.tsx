/**
 * Every URL no other route matches. Without this route Remix answers an unmatched URL from the
 * root error boundary without running the root loader, so the page had no locale, no messages
 * script and no user: after hydration the header showed raw message keys and a logged-in reader
 * looked logged out. Throwing the 404 from a loader here keeps the root loader in the request.
 */
import { GeneralErrorBoundary } from "~/components/error-boundary";

export async function loader() {
  throw new Response("error.notFound", { status: 404 });
}

/** Never rendered (the loader always throws); a page component keeps this from being a resource route. */
export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
