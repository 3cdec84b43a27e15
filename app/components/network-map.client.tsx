/**
 * The delivery network on a map (Leaflet via react-leaflet), browser only: /admin/logistics mounts
 * it after hydration above the table, which holds the same figures. Vector markers coloured by
 * load, so it works with no tiles and no icon images; tiles only from TILE_URL.
 */
import { CircleMarker, MapContainer, Popup, TileLayer } from "react-leaflet";

export type NetworkMapPoint = {
  id: number;
  lat: number;
  lng: number;
  level: "low" | "medium" | "high";
  name: string;
  /** Already translated lines for the popup (kind, load, free slots …). */
  lines: string[];
};

const COLOURS: Record<NetworkMapPoint["level"], { stroke: string; fill: string }> = {
  low: { stroke: "#1b5e20", fill: "#43a047" },
  medium: { stroke: "#e65100", fill: "#ffa726" },
  high: { stroke: "#b71c1c", fill: "#e53935" },
};

type Props = { points: NetworkMapPoint[]; ariaLabel: string; tileUrl: string | null; tileAttribution: string | null };

export default function NetworkMap({ points, ariaLabel, tileUrl, tileAttribution }: Props) {
  if (points.length === 0) return null;
  const lats = points.map((p) => p.lat);
  const lngs = points.map((p) => p.lng);
  const single = points.length === 1;
  return (
    <div className="network-map" role="img" aria-label={ariaLabel} style={{ height: "min(60vh, 420px)", width: "100%", margin: "0.75rem 0" }}>
      <MapContainer
        {...(single
          ? { center: [points[0].lat, points[0].lng] as [number, number], zoom: 12 }
          : {
              bounds: [
                [Math.min(...lats), Math.min(...lngs)],
                [Math.max(...lats), Math.max(...lngs)],
              ] as [[number, number], [number, number]],
              boundsOptions: { padding: [24, 24] as [number, number] },
            })}
        scrollWheelZoom={false}
        attributionControl={Boolean(tileUrl)}
        style={{ height: "100%", width: "100%", background: "#eef3ee" }}
      >
        {/* TILE_URL only (the CSP's image origin); unset: markers on the plain background. */}
        {tileUrl ? <TileLayer url={tileUrl} attribution={tileAttribution ?? ""} maxZoom={18} /> : null}
        {points.map((p) => (
          <CircleMarker
            key={p.id}
            center={[p.lat, p.lng]}
            radius={8}
            pathOptions={{ color: COLOURS[p.level].stroke, weight: 2, fillColor: COLOURS[p.level].fill, fillOpacity: 0.85 }}
          >
            <Popup>
              <strong>{p.name}</strong>
              {p.lines.map((line, i) => (
                <div key={i}>{line}</div>
              ))}
            </Popup>
          </CircleMarker>
        ))}
      </MapContainer>
    </div>
  );
}
