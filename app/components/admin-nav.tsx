/**
 * The admin navigation: every admin page a role may open, shown on each admin page (the /admin
 * layout route) and on the admin home. One list: a new admin page adds one line here.
 */
import { NavLink } from "@remix-run/react";
import type { Role } from "../../db/schema";
import type { MessageKey } from "~/i18n/core";
import { useT } from "~/i18n/react";
import { useOptionalUser } from "~/root";

export type AdminLink = { to: string; label: MessageKey; description: MessageKey; roles: readonly Role[] };

export const ADMIN_LINKS: readonly AdminLink[] = [
  { to: "/admin/stats", label: "adminNav.stats", description: "adminHome.desc.stats", roles: ["platform_admin", "inspector", "county_official"] },
  { to: "/admin/reports", label: "adminNav.reports", description: "adminHome.desc.reports", roles: ["platform_admin", "inspector", "county_official"] },
  { to: "/admin/producers", label: "adminNav.producers", description: "adminHome.desc.producers", roles: ["platform_admin"] },
  { to: "/admin/inputs", label: "adminNav.inputs", description: "adminHome.desc.inputs", roles: ["platform_admin", "inspector"] },
  { to: "/admin/disputes", label: "adminNav.disputes", description: "adminHome.desc.disputes", roles: ["platform_admin"] },
  { to: "/admin/logistics", label: "adminNav.logistics", description: "adminHome.desc.logistics", roles: ["platform_admin", "inspector"] },
  { to: "/inspect", label: "adminNav.inspect", description: "adminHome.desc.inspect", roles: ["platform_admin", "inspector"] },
  { to: "/inspect/inputs", label: "adminNav.inputTrace", description: "adminHome.desc.inputTrace", roles: ["platform_admin", "inspector"] },
];

export function adminLinksFor(roles: readonly Role[]): AdminLink[] {
  return ADMIN_LINKS.filter((l) => l.roles.some((r) => roles.includes(r)));
}

export function AdminNav() {
  const t = useT();
  const user = useOptionalUser();
  const links = adminLinksFor(user?.roles ?? []);
  if (links.length === 0) return null;
  return (
    <nav className="admin-nav" aria-label={t("adminNav.label")}>
      <ul>
        <li>
          <NavLink to="/admin" end>
            {t("adminNav.home")}
          </NavLink>
        </li>
        {links.map((l) => (
          <li key={l.to}>
            <NavLink to={l.to}>{t(l.label)}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
