/**
 * /lockers/:pointId/screen?device=<token>: the smart locker's own screen (no login). The request is
 * the locker device's: the token (logistics/counter.ts lockerDeviceToken, shown to the admin on the
 * point's page) must match and the point must be a locker, else 404. The buyer types their code;
 * the compartments of all their parcels there "open" and the pickup is recorded as at a counter
 * (same lockout, a platform-signed pickup event on each lot's chain).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/react";
import { lockerForDevice, lockerPickup } from "~/logistics.server";
import { getDb } from "~/utils/db.server";
import { act, load } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "智能柜取件 · 村品" }];

const Device = z.object({ pointId: z.coerce.number().int().positive(), device: z.string().min(1).max(100) });

function deviceOf(request: Request, params: Record<string, string | undefined>, form?: FormData) {
  const parsed = Device.safeParse({ pointId: params.pointId, device: form?.get("device") ?? new URL(request.url).searchParams.get("device") ?? "" });
  if (!parsed.success) throw new Response("error.notFound", { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const d = deviceOf(request, params);
  const locker = await load(() => lockerForDevice(getDb(), d.pointId, d.device));
  return { locker, device: d.device };
}

const PickupSchema = z.object({
  pickupCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "parcels.error.badPickupCode"),
});

type Result = { ok: true; slots: string[] } | { ok: false; error: string; params: Record<string, string | number> };

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const d = deviceOf(request, params, form);
  const parsed = PickupSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return data<Result>({ ok: false, error: "parcels.error.badPickupCode", params: {} }, { status: 400 });
  return act(
    () => {
      const r = lockerPickup(getDb(), d.pointId, d.device, parsed.data.pickupCode);
      return data<Result>({ ok: true, slots: r.slots });
    },
    { request, reply: (refusal): Result => ({ ok: false, error: refusal.messageKey, params: refusal.params }) },
  );
}

const big = { minHeight: "3.5rem", fontSize: "1.5rem" } as const;

export default function LockerScreenRoute() {
  const t = useT();
  const { locker, device } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section>
      <h1>{t("parcels.locker.title")}</h1>
      <p className="meta">{locker.name}</p>
      {result?.ok ? (
        <p className="notice" role="status" data-testid="locker-opened" style={{ fontSize: "1.5rem" }}>
          {t("parcels.locker.opened", { slots: result.slots.join("、") || "—" })}
        </p>
      ) : null}
      {result && !result.ok ? (
        <p className="form-error" role="alert">
          {t.has(result.error) ? t(result.error, result.params) : result.error}
        </p>
      ) : null}
      <Form method="post" className="form panel" key={result?.ok ? result.slots.join() : "code"}>
        <input type="hidden" name="device" value={device} />
        <div className="field">
          <label htmlFor="pickupCode">{t("parcels.locker.enterCode")}</label>
          {/* The locker's screen exists to take a code: the keypad has the focus. */}
          <input
            id="pickupCode"
            name="pickupCode"
            inputMode="numeric"
            pattern="[0-9]{6}"
            maxLength={6}
            minLength={6}
            autoComplete="off"
            required
            // eslint-disable-next-line jsx-a11y/no-autofocus
            autoFocus
            style={{ ...big, letterSpacing: "0.4em" }}
          />
        </div>
        <button type="submit" className="primary" style={big}>
          {t("parcels.locker.open")}
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
