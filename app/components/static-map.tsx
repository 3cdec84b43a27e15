/**
 * A map without JavaScript: the 3×3 tiles around a point, from the server's TILE_URL (the only
 * image origin its CSP allows), with a marker on the point. For pages that do not hydrate (the
 * trace page): no Leaflet, no script, tiles loaded lazily. With TILE_URL unset nothing is drawn
 * and the page shows the location as text only; no request ever goes to a default tile server.
 */
const TILE = 256;

/** Slippy-map tile numbers (Web Mercator) and the point's pixel inside its tile. */
export function tileOf(lat: number, lng: number, zoom: number) {
  const n = 2 ** zoom;
  const x = ((lng + 180) / 360) * n;
  const rad = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180;
  const y = ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n;
  return { x: Math.floor(x), y: Math.floor(y), px: Math.round((x - Math.floor(x)) * TILE), py: Math.round((y - Math.floor(y)) * TILE) };
}

export function tileSrc(template: string, z: number, x: number, y: number): string {
  return template.replace("{s}", "a").replace("{r}", "").replace("{z}", String(z)).replace("{x}", String(x)).replace("{y}", String(y));
}

type Props = { lat: number; lng: number; label: string; ariaLabel: string; tileUrl: string | null; tileAttribution: string | null; zoom?: number };

export function StaticMap({ lat, lng, label, ariaLabel, tileUrl, tileAttribution, zoom = 13 }: Props) {
  if (!tileUrl) return null;
  const { x, y, px, py } = tileOf(lat, lng, zoom);
  const n = 2 ** zoom;
  const tiles = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => ({ dx, dy })));
  return (
    <figure className="static-map">
      <div className="static-map-view" role="img" aria-label={`${ariaLabel}: ${label}`}>
        {/* The tile block is shifted so that the point sits in the middle of the view. */}
        <div className="static-map-tiles" style={{ left: `calc(50% - ${TILE + px}px)`, top: `calc(50% - ${TILE + py}px)` }}>
          {tiles.map(({ dx, dy }) =>
            y + dy < 0 || y + dy >= n ? null : (
              <img
                key={`${dx},${dy}`}
                src={tileSrc(tileUrl, zoom, (x + dx + n) % n, y + dy)}
                alt=""
                width={TILE}
                height={TILE}
                loading="lazy"
                style={{ left: (dx + 1) * TILE, top: (dy + 1) * TILE }}
              />
            ),
          )}
        </div>
        <span className="static-map-marker" aria-hidden="true" />
      </div>
      {tileAttribution ? <figcaption className="meta" dangerouslySetInnerHTML={{ __html: tileAttribution }} /> : null}
    </figure>
  );
}
