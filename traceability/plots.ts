/**
 * Editing and retiring plots (issue 13 §4). A retired plot is no longer offered for new lots
 * (createBatch refuses it) but is never deleted: lots harvested from it keep pointing at it and
 * their chains are unchanged. Plain module.
 */
import type { Db } from "../db/client";
import { canManageProducer, type Actor } from "../core/permissions";
import { ForbiddenError, NotFoundError } from "../core/errors";
import { TraceRuleError } from "./errors";

export type PlotEdit = { name: string; areaMu: number | null; lat: number | null; lng: number | null };

function ownedPlot(db: Db, actor: Actor, plotId: number) {
  const plot = db.$client.prepare(`select id, producer_id as producerId, retired_at as retiredAt from plots where id = ?`).get(plotId) as
    { id: number; producerId: number; retiredAt: number | null } | undefined;
  if (!plot) throw new NotFoundError("plot");
  if (!canManageProducer(actor, plot.producerId)) throw new ForbiddenError();
  return plot;
}

/** Renames a plot or corrects its area and position (same rules as when it was created). */
export function updatePlot(db: Db, actor: Actor, plotId: number, input: PlotEdit): void {
  const sqlite = db.$client;
  sqlite
    .transaction(() => {
      const plot = ownedPlot(db, actor, plotId);
      const name = input.name.trim();
      if (!name || name.length > 100) throw new TraceRuleError("trace.error.plotName");
      if (input.areaMu != null && !(input.areaMu > 0 && input.areaMu < 1_000_000)) throw new TraceRuleError("trace.error.plotArea");
      if ((input.lat == null) !== (input.lng == null) || (input.lat != null && !(Math.abs(input.lat) <= 90 && Math.abs(input.lng!) <= 180))) {
        throw new TraceRuleError("trace.error.plotCoordinates");
      }
      const taken = sqlite.prepare(`select 1 from plots where producer_id = ? and name = ? and id != ?`).get(plot.producerId, name, plotId);
      if (taken) throw new TraceRuleError("trace.error.plotNameTaken", { name });
      sqlite.prepare(`update plots set name = ?, area_mu = ?, lat = ?, lng = ? where id = ?`).run(name, input.areaMu, input.lat, input.lng, plotId);
    })
    .immediate();
}

/** Retires a plot (idempotent: retiring again keeps the first date). */
export function retirePlot(db: Db, actor: Actor, plotId: number, now = Date.now()): void {
  ownedPlot(db, actor, plotId);
  db.$client.prepare(`update plots set retired_at = coalesce(retired_at, ?) where id = ?`).run(now, plotId);
}
