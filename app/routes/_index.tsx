import { Link } from "@remix-run/react";
import { useT } from "~/i18n/react";

export default function Index() {
  const t = useT();
  return (
    <section>
      <h1>{t("app.tagline")}</h1>
      <Link to="/listings">{t("nav.browse")}</Link>
    </section>
  );
}
