/** What the statistics page, the reports page and the CSV downloads share: the viewer's filter and scope. */
import { getDb } from "~/utils/db.server";
import { regionOptions, statsScope, officialCountyName, type StatsScope } from "~/oversight.server";
import type { Actor } from "../../core/permissions";
import { parseStatsFilter, type StatsFilterInput } from "./filter";

export type StatsRequest = {
  filter: StatsFilterInput;
  invalid: boolean;
  scope: StatsScope;
  lockedCounty: { id: number; nameZh: string; nameEn: string } | null;
};

/** Throws ForbiddenError (→ 403 through `load`) when a county official asks for another county. */
export function statsRequest(request: Request, user: Actor): StatsRequest {
  const { filter, invalid } = parseStatsFilter(new URL(request.url));
  const scope = statsScope(getDb(), user, filter);
  const lockedCounty = scope.lockedCountyId !== null ? officialCountyName(getDb(), user.id) : null;
  return { filter: lockedCounty ? { ...filter, countyId: lockedCounty.id } : filter, invalid, scope, lockedCounty };
}

export function filterOptions(scope: StatsScope) {
  return regionOptions(getDb(), scope);
}
