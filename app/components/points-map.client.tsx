/**
 * Pickup points on a map (Leaflet via react-leaflet), rendered in the browser only: the checkout
 * page lazy-loads it after hydration and the radio list below it stays the source of truth — a
 * marker click only checks that point's radio. Works offline: markers are HTML (divIcon, no image
 * files), the background is plain, and tiles are added only when the server has a TILE_URL.
 */
import L from "leaflet";
import { useMemo } from "react";
import { CircleMarker, MapContainer, Marker, TileLayer, Tooltip } from "react-leaflet";

export type MapPoint = { id: number; lat: number; lng: number; name: string; feasible: boolean; recommended: boolean };

type Props = {
  points: MapPoint[];
  /** The points the first view fits (with the origin): the nearby ones; the rest are a zoom-out away. */
  fitIds: number[];
  selectedId: number | null;
  onSelect: (id: number) => void;
  origin: { lat: number; lng: number } | null;
  tileUrl: string | null;
  tileAttribution: string | null;
  ariaLabel: string;
  /** Marker title for a point that cannot take the parcels: "<name> — <reason>". */
  titleOf: (p: MapPoint) => string;
};

function icon(p: MapPoint, selected: boolean): L.DivIcon {
  const size = selected ? 30 : 22;
  const bg = !p.feasible ? "#bdbdbd" : selected ? "#1b5e20" : "#43a047";
  const border = !p.feasible ? "2px dashed #616161" : selected ? "3px solid #0d3311" : "2px solid #1b5e20";
  return L.divIcon({
    className: `points-map-marker${p.feasible ? "" : " points-map-marker-infeasible"}${selected ? " points-map-marker-selected" : ""}`,
    html: `<span data-point-id="${p.id}" style="display:block;width:${size}px;height:${size}px;border-radius:50%;background:${bg};border:${border};box-sizing:border-box;box-shadow:0 1px 3px rgba(0,0,0,.4)"></span>`,
    iconSize: [size, size],
    iconAnchor: [size / 2, size / 2],
  });
}

export default function PointsMap({ points, fitIds, selectedId, onSelect, origin, tileUrl, tileAttribution, ariaLabel, titleOf }: Props) {
  // Fit the nearby points (and where the buyer is) once; later selections do not move the map.
  const bounds = useMemo(() => {
    const fit = points.filter((p) => fitIds.includes(p.id));
    const ll: [number, number][] = (fit.length ? fit : points).map((p) => [p.lat, p.lng]);
    if (origin) ll.push([origin.lat, origin.lng]);
    return L.latLngBounds(ll);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (points.length === 0) return null;
  return (
    <div
      className="points-map"
      role="region"
      aria-label={ariaLabel}
      style={{ height: 260, width: "100%", background: "#e9ede6", borderRadius: 8, overflow: "hidden", margin: "0.5rem 0" }}
    >
      <MapContainer
        bounds={bounds}
        boundsOptions={{ padding: [28, 28], maxZoom: 15 }}
        scrollWheelZoom={false}
        style={{ height: "100%", width: "100%", background: "#e9ede6" }}
        attributionControl={Boolean(tileUrl)}
      >
        {tileUrl ? <TileLayer url={tileUrl} attribution={tileAttribution ?? ""} maxZoom={18} /> : null}
        {origin ? (
          <CircleMarker
            center={[origin.lat, origin.lng]}
            radius={6}
            pathOptions={{ color: "#0d47a1", weight: 2, fillColor: "#42a5f5", fillOpacity: 0.9 }}
            interactive={false}
          />
        ) : null}
        {points.map((p) => (
          <Marker
            key={p.id}
            position={[p.lat, p.lng]}
            icon={icon(p, p.id === selectedId)}
            title={titleOf(p)}
            alt={titleOf(p)}
            keyboard={p.feasible}
            zIndexOffset={p.id === selectedId ? 1000 : p.feasible ? 100 : 0}
            eventHandlers={{ click: () => (p.feasible ? onSelect(p.id) : undefined) }}
          >
            {/* Keyed: Leaflet fixes `permanent` when the tooltip is made, so the selected point's label is a new one. */}
            <Tooltip key={p.id === selectedId ? "selected" : "hover"} direction="top" offset={[0, -12]} permanent={p.id === selectedId}>
              {p.name}
            </Tooltip>
          </Marker>
        ))}
      </MapContainer>
    </div>
  );
}
