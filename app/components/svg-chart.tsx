/**
 * Bar charts drawn on the server as inline SVG: readable without JavaScript, scale to a 360 px
 * screen (viewBox), a <title> for screen readers and hover. The table under each chart has the numbers.
 */
export type ChartDatum = { label: string; value: number };

const W = 640;

export function ColumnChart({ title, data, format }: { title: string; data: readonly ChartDatum[]; format: (v: number) => string }) {
  const H = 220;
  const top = 20;
  const bottom = 40;
  const left = 8;
  const max = Math.max(1, ...data.map((d) => d.value));
  const min = Math.min(0, ...data.map((d) => d.value));
  const span = max - min || 1;
  const plotH = H - top - bottom;
  const y = (v: number) => top + ((max - v) / span) * plotH;
  const step = (W - left * 2) / Math.max(1, data.length);
  const every = Math.max(1, Math.ceil(data.length / 8));
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} width="100%" preserveAspectRatio="xMidYMid meet">
      <title>{title}</title>
      <line x1={left} x2={W - left} y1={y(0)} y2={y(0)} stroke="#999" strokeWidth="1" />
      <text x={left} y={top - 6} fontSize="12" fill="#555">
        {format(max)}
      </text>
      {data.map((d, i) => {
        const x = left + i * step;
        const h = Math.abs(y(d.value) - y(0));
        return (
          <g key={`${d.label}-${i}`}>
            <rect x={x + step * 0.1} width={Math.max(1, step * 0.8)} y={Math.min(y(d.value), y(0))} height={Math.max(d.value === 0 ? 0 : 1, h)} fill="#2f7d4a">
              <title>{`${d.label}: ${format(d.value)}`}</title>
            </rect>
            {i % every === 0 ? (
              <text x={x + step / 2} y={H - bottom + 16} fontSize="11" textAnchor="middle" fill="#333">
                {d.label}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

export function BarChart({ title, data, format }: { title: string; data: readonly ChartDatum[]; format: (v: number) => string }) {
  const rows = data.slice(0, 12);
  const rowH = 26;
  const H = rows.length * rowH + 10;
  const labelW = 150;
  const max = Math.max(1, ...rows.map((d) => d.value));
  const barW = (v: number) => (Math.max(0, v) / max) * (W - labelW - 110);
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} width="100%" preserveAspectRatio="xMidYMid meet">
      <title>{title}</title>
      {rows.map((d, i) => (
        <g key={`${d.label}-${i}`} transform={`translate(0, ${i * rowH + 5})`}>
          <text x={labelW - 6} y={rowH / 2 + 4} fontSize="13" textAnchor="end" fill="#333">
            {d.label.length > 10 ? `${d.label.slice(0, 10)}…` : d.label}
          </text>
          <rect x={labelW} y={3} height={rowH - 8} width={Math.max(1, barW(d.value))} fill="#2f7d4a">
            <title>{`${d.label}: ${format(d.value)}`}</title>
          </rect>
          <text x={labelW + barW(d.value) + 6} y={rowH / 2 + 4} fontSize="12" fill="#555">
            {format(d.value)}
          </text>
        </g>
      ))}
    </svg>
  );
}
