/**
 * The plot on a map (Leaflet via react-leaflet), rendered in the browser only: the trace page
 * mounts it after hydration and always shows the location as text too. Tiles come from the
 * server's TILE_URL (the only image origin its CSP allows); unset, the marker sits on a plain
 * background, which also works offline.
 */
import { CircleMarker, MapContainer, TileLayer, Tooltip } from "react-leaflet";

type Props = { lat: number; lng: number; label: string; ariaLabel: string; tileUrl: string | null; tileAttribution: string | null };

export default function TraceMap({ lat, lng, label, ariaLabel, tileUrl, tileAttribution }: Props) {
  return (
    <div className="trace-map" role="img" aria-label={ariaLabel}>
      <MapContainer
        center={[lat, lng]}
        zoom={13}
        scrollWheelZoom={false}
        attributionControl={Boolean(tileUrl)}
        style={{ height: "100%", width: "100%", background: "#eef3ee" }}
      >
        {tileUrl ? <TileLayer url={tileUrl} attribution={tileAttribution ?? ""} maxZoom={18} /> : null}
        {/* A vector marker: no icon images to resolve, so it works without any network. */}
        <CircleMarker center={[lat, lng]} radius={9} pathOptions={{ color: "#b71c1c", weight: 3, fillColor: "#ef5350", fillOpacity: 0.8 }}>
          <Tooltip permanent direction="top" offset={[0, -8]}>
            {label}
          </Tooltip>
        </CircleMarker>
      </MapContainer>
    </div>
  );
}
