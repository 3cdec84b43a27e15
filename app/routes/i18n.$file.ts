import type { LoaderFunctionArgs } from "@remix-run/node";
import { LOCALES, type Locale } from "~/i18n/core";
import { messagesScript } from "~/utils/i18n.server";

/** `/i18n/zh.<hash>.js`: one locale's messages for the browser, cached for good under its hash. */
export async function loader({ params }: LoaderFunctionArgs) {
  const m = /^(\w+)\.([0-9a-f]{10})\.js$/.exec(params.file ?? "");
  if (!m || !(LOCALES as readonly string[]).includes(m[1])) throw new Response("error.notFound", { status: 404 });
  const script = messagesScript(m[1] as Locale);
  // An old hash (a page rendered before a deploy) still gets today's messages, just not cached for long.
  const immutable = m[2] === script.hash;
  return new Response(script.body, {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=60",
    },
  });
}
