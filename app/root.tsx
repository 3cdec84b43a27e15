import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation, useMatches, useRouteLoaderData } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { hasRole } from "../core/permissions";
import { useT } from "~/i18n/react";
import { getLocale, messagesScriptUrl } from "~/utils/i18n.server";
import { getOptionalUser } from "~/utils/session.server";
import { unreadNoticeCount } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { useNonce } from "~/utils/nonce";
import stylesUrl from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesUrl },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "村品 Cunpin" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const [user, locale] = [await getOptionalUser(request), getLocale(request)];
  return {
    locale,
    messagesUrl: messagesScriptUrl(locale),
    user: user && { id: user.id, displayName: user.displayName, roles: user.roles, producerIds: user.producerIds },
    // Header badge: one count over the covering index notifications_user_idx.
    unreadNotices: user ? unreadNoticeCount(getDb(), user.id) : 0,
  };
}

export type RootLoaderData = Awaited<ReturnType<typeof loader>>;

export function useOptionalUser() {
  return (useRouteLoaderData("root") as RootLoaderData | undefined)?.user ?? null;
}

function Header() {
  const t = useT();
  const user = useOptionalUser();
  const location = useLocation();
  const data = useRouteLoaderData("root") as RootLoaderData | undefined;
  const otherLocale = data?.locale === "en" ? "zh" : "en";
  const here = location.pathname + location.search;
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <Link to="/" className="brand" aria-label={t("app.name")}>
        <img src="/favicon.svg" alt="" width={28} height={28} />
        <span>{t("app.name")}</span>
      </Link>
      <nav aria-label={t("nav.mainLabel")} className="site-nav">
        <Link to="/listings">{t("nav.browse")}</Link>
        <Link to="/villages">{t("nav.villages")}</Link>
        {user && hasRole(user, "farmer", "coop_admin") ? <Link to="/farm">{t("nav.farm")}</Link> : null}
        {user && hasRole(user, "platform_admin", "inspector", "county_official") ? <Link to="/admin">{t("nav.admin")}</Link> : null}
        {user && hasRole(user, "platform_admin") ? <Link to="/admin/disputes">{t("disputes.adminTitle")}</Link> : null}
        {user && hasRole(user, "inspector", "platform_admin") ? <Link to="/inspect">{t("nav.inspect")}</Link> : null}
        {user && hasRole(user, "platform_admin") ? <Link to="/admin/logistics">{t("nav.logistics")}</Link> : null}
        <Link to="/cart">{t("nav.cart")}</Link>
        {user ? <Link to="/orders">{t("nav.orders")}</Link> : null}
        {user && hasRole(user, "delivery_operator") ? <Link to="/station">{t("station.title")}</Link> : null}
        {user ? (
          <Link to="/account/notices" className="notices-link">
            {data?.unreadNotices ? t("nav.noticesUnread", { count: data.unreadNotices }) : t("nav.notices")}
          </Link>
        ) : null}
        {user ? (
          <Form method="post" action="/logout" className="inline-form">
            <button type="submit" className="link-button" title={user.displayName}>
              {t("nav.logout")}
            </button>
          </Form>
        ) : (
          <Link to={`/login?redirectTo=${encodeURIComponent(here)}`}>{t("nav.login")}</Link>
        )}
        {/* A full page load, so that the browser fetches the other language's messages. */}
        <Form method="post" action="/set-locale" className="inline-form" reloadDocument>
          <input type="hidden" name="locale" value={otherLocale} />
          <input type="hidden" name="redirectTo" value={here} />
          <button type="submit" className="link-button" lang={otherLocale === "zh" ? "zh-CN" : "en"}>
            {t("nav.language")}
          </button>
        </Form>
      </nav>
    </header>
  );
}

/**
 * A route whose page works fully without JavaScript says `export const handle = { hydrate: false }`:
 * its document then carries no script at all (no React, no Remix runtime, no message catalogue),
 * a first load of a few KB on a phone over a weak network. Forms post and links navigate as plain
 * HTML; enhancements such as pending buttons are simply absent there.
 */
export type PageHandle = { hydrate?: boolean };

export function usePageHydrates(): boolean {
  const matches = useMatches();
  return !matches.some((m) => (m.handle as PageHandle | undefined)?.hydrate === false);
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData("root") as RootLoaderData | undefined;
  const nonce = useNonce();
  const hydrates = usePageHydrates();
  // Marks the document once React has hydrated it: browser tests wait on this instead of sleeping.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    // data-static marks a page served without scripts (browser tests wait on hydration otherwise).
    <html lang={data?.locale === "en" ? "en" : "zh-CN"} data-static={hydrates ? undefined : "true"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        {/* Plain script before the app's deferred modules: the messages are there before hydration. */}
        {hydrates && data?.messagesUrl ? <script src={data.messagesUrl} nonce={nonce} /> : null}
      </head>
      <body>
        <Header />
        <main id="main" className="site-main">
          {children}
        </main>
        {hydrates ? (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        ) : null}
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
