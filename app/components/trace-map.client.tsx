/**
 * The plot on a map (Leaflet via react-leaflet), rendered in the browser only: the trace page
 * mounts it after hydration and always shows the location as text too. Tiles come from
 * OpenStreetMap when reachable; offline the tiles just stay blank and the marker still shows.
 */
import { CircleMarker, MapContainer, TileLayer, Tooltip } from "react-leaflet";

export default function TraceMap({ lat, lng, label, ariaLabel }: { lat: number; lng: number; label: string; ariaLabel: string }) {
  return (
    <div className="trace-map" role="img" aria-label={ariaLabel}>
      <MapContainer center={[lat, lng]} zoom={13} scrollWheelZoom={false} style={{ height: "100%", width: "100%" }}>
        <TileLayer
          url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
          attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
          maxZoom={18}
        />
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
