/**
 * Generated product pictures for the seeds: an SVG with a category-coloured gradient and a
 * simple drawing (fruit, tea leaves, a rice bowl...), rendered by sharp. No text, because
 * CJK fonts may be missing where the seeds run.
 */
import sharp from "sharp";
import type { CategorySlug } from "../db/schema";
import { mulberry32 as rng } from "./random";

export type ArtShape =
  | "fruit" // round fruit with stem and leaf (apples, oranges)
  | "kiwi" // a halved red-heart kiwi
  | "leaves" // tea leaves
  | "bowl" // a bowl of rice
  | "bottle" // oil or honey
  | "eggs" // eggs in a nest
  | "bird" // a plump hen
  | "fish" // fish / crayfish
  | "berries" // goji berries
  | "mushroom" // wood ear / ginseng roots
  | "veg" // tomatoes, cucumbers, peppers
  | "sack"; // a fertiliser sack with a leaf emblem

export type ArtSpec = { shape: ArtShape; color?: string; seed?: number };

const BACKGROUNDS: Record<CategorySlug, [string, string]> = {
  fruit: ["#fff3e0", "#ffcc80"],
  vegetables: ["#f1f8e9", "#aed581"],
  grain: ["#fffde7", "#ffe082"],
  tea: ["#e8f5e9", "#81c784"],
  livestock_poultry: ["#fbe9e7", "#ffab91"],
  aquatic: ["#e1f5fe", "#4fc3f7"],
  forest: ["#efebe9", "#a1887f"],
  agri_inputs: ["#f9fbe7", "#c5e1a5"],
};

export const DEFAULT_ART: Record<CategorySlug, ArtSpec> = {
  fruit: { shape: "fruit", color: "#d32f2f" },
  vegetables: { shape: "veg", color: "#e53935" },
  grain: { shape: "bowl", color: "#fafafa" },
  tea: { shape: "leaves", color: "#388e3c" },
  livestock_poultry: { shape: "eggs", color: "#f5deb3" },
  aquatic: { shape: "fish", color: "#e64a19" },
  forest: { shape: "mushroom", color: "#4e342e" },
  agri_inputs: { shape: "sack", color: "#8d6e63" },
};

function shade(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const f = (v: number) => Math.max(0, Math.min(255, Math.round(amount < 0 ? v * (1 + amount) : v + (255 - v) * amount)));
  const r = f((n >> 16) & 255),
    g = f((n >> 8) & 255),
    b = f(n & 255);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, "0")}`;
}

const leaf = (x: number, y: number, size: number, angle: number, fill = "#43a047") =>
  `<g transform="translate(${x} ${y}) rotate(${angle})">
     <path d="M0 0 C ${size * 0.35} ${-size * 0.35}, ${size * 0.8} ${-size * 0.25}, ${size} 0 C ${size * 0.8} ${size * 0.25}, ${size * 0.35} ${size * 0.35}, 0 0 Z" fill="${fill}"/>
     <path d="M0 0 L ${size * 0.9} 0" stroke="${shade(fill, -0.35)}" stroke-width="${Math.max(1.5, size / 30)}" fill="none"/>
   </g>`;

function fruit(r: () => number, color: string): string {
  const items: string[] = [];
  const count = 3 + Math.floor(r() * 2);
  const positions = [
    [330, 370],
    [480, 370],
    [405, 265],
    [560, 290],
    [250, 280],
  ].slice(0, count);
  positions.forEach(([x, y], i) => {
    const rad = 78 + r() * 18;
    items.push(`<g>
      <ellipse cx="${x}" cy="${y + rad * 0.92}" rx="${rad * 0.9}" ry="${rad * 0.18}" fill="#000" opacity="0.12"/>
      <circle cx="${x}" cy="${y}" r="${rad}" fill="url(#fruitGrad)"/>
      <ellipse cx="${x - rad * 0.35}" cy="${y - rad * 0.4}" rx="${rad * 0.22}" ry="${rad * 0.14}" fill="#fff" opacity="0.45" transform="rotate(-30 ${x - rad * 0.35} ${y - rad * 0.4})"/>
      <path d="M${x} ${y - rad * 0.85} q 4 -28 14 -40" stroke="#5d4037" stroke-width="7" fill="none" stroke-linecap="round"/>
      ${i % 2 === 0 ? leaf(x + 10, y - rad * 0.95 - 18, 60, -25 - r() * 20) : ""}
    </g>`);
  });
  return `<defs><radialGradient id="fruitGrad" cx="0.35" cy="0.35" r="0.75">
      <stop offset="0" stop-color="${shade(color, 0.35)}"/><stop offset="0.7" stop-color="${color}"/><stop offset="1" stop-color="${shade(color, -0.35)}"/>
    </radialGradient></defs>${items.join("")}`;
}

/** `color` is the heart: red for red-heart kiwi; anything else colours the whole flesh (golden kiwi). */
function kiwi(r: () => number, color: string): string {
  const red = color.toLowerCase() === "#c62828";
  const outer = red ? "#9ccc65" : shade(color, 0.1);
  const inner = red ? "#c5e1a5" : shade(color, 0.35);
  const seeds: string[] = [];
  for (let i = 0; i < 28; i++) {
    const a = (i / 28) * Math.PI * 2 + r() * 0.1;
    const d = 62 + r() * 8;
    seeds.push(
      `<ellipse cx="${400 + Math.cos(a) * d}" cy="${300 + Math.sin(a) * d}" rx="4" ry="8" fill="#212121" transform="rotate(${(a * 180) / Math.PI + 90} ${400 + Math.cos(a) * d} ${300 + Math.sin(a) * d})"/>`,
    );
  }
  return `<ellipse cx="600" cy="420" rx="110" ry="22" fill="#000" opacity="0.12"/>
    <ellipse cx="600" cy="330" rx="120" ry="100" fill="#8d6e63"/>
    <ellipse cx="585" cy="310" rx="40" ry="20" fill="#a1887f" opacity="0.6"/>
    <ellipse cx="400" cy="440" rx="180" ry="26" fill="#000" opacity="0.12"/>
    <circle cx="400" cy="300" r="170" fill="#795548"/>
    <circle cx="400" cy="300" r="158" fill="${outer}"/>
    <circle cx="400" cy="300" r="120" fill="${inner}"/>
    <circle cx="400" cy="300" r="85" fill="${red ? color : inner}"/>
    <circle cx="400" cy="300" r="50" fill="#fff8e1"/>
    ${seeds.join("")}
    ${leaf(230, 140, 90, -40)}`;
}

function leaves(r: () => number, color: string): string {
  const out: string[] = [];
  for (let i = 0; i < 9; i++) {
    const x = 200 + r() * 400;
    const y = 170 + r() * 260;
    out.push(leaf(x, y, 110 + r() * 60, r() * 360, i % 3 === 0 ? shade(color, 0.2) : color));
  }
  return `<ellipse cx="400" cy="470" rx="260" ry="30" fill="#000" opacity="0.1"/>
    <ellipse cx="400" cy="330" rx="250" ry="150" fill="#f5f5dc" opacity="0.55"/>${out.join("")}`;
}

function bowl(r: () => number): string {
  const grains: string[] = [];
  for (let i = 0; i < 140; i++) {
    const a = r() * Math.PI;
    const d = r();
    const x = 400 + Math.cos(a) * 200 * d * (r() > 0.5 ? 1 : -1);
    const y = 300 - Math.sin(a) * 90 * d;
    grains.push(
      `<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="9" ry="4.5" fill="#fffef5" stroke="#e0dccc" stroke-width="1" transform="rotate(${Math.floor(r() * 180)} ${x.toFixed(1)} ${y.toFixed(1)})"/>`,
    );
  }
  return `<ellipse cx="400" cy="500" rx="230" ry="26" fill="#000" opacity="0.12"/>
    <ellipse cx="400" cy="300" rx="220" ry="90" fill="#f3efe0"/>${grains.join("")}
    <path d="M180 305 Q 400 330 620 305 Q 600 470 400 490 Q 200 470 180 305 Z" fill="#1565c0"/>
    <path d="M220 360 Q 400 385 580 360" stroke="#bbdefb" stroke-width="8" fill="none"/>
    ${leaf(560, 200, 120, -70, "#c0a43a")}${leaf(600, 230, 100, -100, "#d4b94a")}`;
}

function bottle(_r: () => number, color: string): string {
  return `<ellipse cx="400" cy="520" rx="150" ry="22" fill="#000" opacity="0.12"/>
    <rect x="370" y="90" width="60" height="50" rx="8" fill="#6d4c41"/>
    <path d="M360 140 h80 v40 q 90 30 90 110 v 200 q 0 30 -30 30 h -200 q -30 0 -30 -30 v -200 q 0 -80 90 -110 Z" fill="${color}" opacity="0.92"/>
    <rect x="300" y="300" width="200" height="120" rx="14" fill="#fffde7" opacity="0.9"/>
    ${leaf(330, 360, 80, -20)}${leaf(400, 380, 70, -150, "#66bb6a")}
    <rect x="295" y="200" width="18" height="260" rx="9" fill="#fff" opacity="0.35"/>`;
}

function eggs(r: () => number, color: string): string {
  const out: string[] = [];
  const spots = [
    [320, 330],
    [400, 310],
    [480, 330],
    [360, 360],
    [440, 360],
  ];
  for (const [x, y] of spots) {
    const c = r() > 0.5 ? color : shade(color, -0.12);
    out.push(`<ellipse cx="${x}" cy="${y}" rx="48" ry="62" fill="${c}" stroke="${shade(c, -0.2)}" stroke-width="2"/>
      <ellipse cx="${x - 14}" cy="${y - 22}" rx="11" ry="16" fill="#fff" opacity="0.5"/>`);
  }
  const straws: string[] = [];
  for (let i = 0; i < 60; i++) {
    const x = 190 + r() * 420;
    const y = 380 + r() * 70;
    straws.push(
      `<path d="M${x} ${y} q ${20 + r() * 30} ${-10 + r() * 20} ${50 + r() * 40} ${-5 + r() * 10}" stroke="${r() > 0.5 ? "#c49a6c" : "#a1783f"}" stroke-width="5" fill="none" stroke-linecap="round"/>`,
    );
  }
  return `<ellipse cx="400" cy="470" rx="250" ry="40" fill="#000" opacity="0.12"/>
    <ellipse cx="400" cy="410" rx="230" ry="70" fill="#8d6e63"/>${out.join("")}${straws.join("")}`;
}

function bird(_r: () => number, color: string): string {
  return `<ellipse cx="400" cy="500" rx="210" ry="26" fill="#000" opacity="0.12"/>
    <path d="M250 330 Q 250 190 400 200 Q 470 205 500 260 Q 560 250 600 190 Q 640 300 560 380 Q 500 470 380 470 Q 260 460 250 330 Z" fill="${color}"/>
    <path d="M330 320 Q 420 300 470 360 Q 400 420 320 380 Z" fill="${shade(color, -0.25)}"/>
    <circle cx="300" cy="180" r="70" fill="${color}"/>
    <path d="M280 110 q 10 -30 25 -5 q 12 -30 25 0 q 15 -20 20 10 Z" fill="#d32f2f"/>
    <path d="M235 185 l -35 12 l 35 12 Z" fill="#ffa000"/>
    <path d="M262 215 q 8 35 22 10 Z" fill="#d32f2f"/>
    <circle cx="280" cy="170" r="9" fill="#212121"/>
    <path d="M370 468 v 40 M 430 468 v 40" stroke="#ffa000" stroke-width="10" stroke-linecap="round"/>
    ${leaf(600, 470, 90, -20, "#7cb342")}${leaf(140, 480, 80, -160, "#7cb342")}`;
}

function fish(r: () => number, color: string): string {
  const out: string[] = [];
  const rows = [
    [300, 230, 1],
    [480, 330, -1],
    [320, 420, 1],
  ];
  for (const [x, y, dir] of rows) {
    const s = 0.9 + r() * 0.25;
    out.push(`<g transform="translate(${x} ${y}) scale(${dir * s} ${s})">
      <path d="M-120 0 Q -40 -70 80 -10 L 140 -50 L 125 0 L 140 50 L 80 10 Q -40 70 -120 0 Z" fill="${color}"/>
      <path d="M-60 -30 Q -20 0 -60 30" stroke="${shade(color, -0.3)}" stroke-width="5" fill="none"/>
      <circle cx="-90" cy="-8" r="8" fill="#fff"/><circle cx="-90" cy="-8" r="4" fill="#212121"/>
      <path d="M-10 -20 q 20 10 40 0 M -10 5 q 20 10 40 0" stroke="${shade(color, 0.3)}" stroke-width="4" fill="none"/>
    </g>`);
  }
  const bubbles: string[] = [];
  for (let i = 0; i < 10; i++) bubbles.push(`<circle cx="${100 + r() * 600}" cy="${60 + r() * 480}" r="${6 + r() * 14}" fill="#fff" opacity="0.35"/>`);
  return `${bubbles.join("")}${out.join("")}
    <path d="M0 560 Q 200 520 400 560 T 800 560 V 600 H 0 Z" fill="#0288d1" opacity="0.35"/>`;
}

function berries(r: () => number, color: string): string {
  const out: string[] = [];
  for (let i = 0; i < 70; i++) {
    const a = r() * Math.PI * 2;
    const d = Math.sqrt(r());
    const x = 400 + Math.cos(a) * 210 * d;
    const y = 330 + Math.sin(a) * 110 * d;
    const c = r() > 0.3 ? color : shade(color, -0.2);
    out.push(
      `<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="20" ry="11" fill="${c}" transform="rotate(${Math.floor(r() * 180)} ${x.toFixed(1)} ${y.toFixed(1)})"/>`,
    );
  }
  return `<ellipse cx="400" cy="470" rx="270" ry="30" fill="#000" opacity="0.12"/>
    <ellipse cx="400" cy="350" rx="260" ry="120" fill="#f5f0e1"/>${out.join("")}
    ${leaf(600, 200, 110, -60)}${leaf(180, 210, 100, -130)}`;
}

function mushroom(r: () => number, color: string): string {
  const out: string[] = [];
  for (let i = 0; i < 7; i++) {
    const x = 220 + r() * 360;
    const y = 230 + r() * 190;
    const rx = 60 + r() * 40;
    out.push(
      `<path d="M${x - rx} ${y} q ${rx * 0.5} ${-rx * 0.9} ${rx} ${-rx * 0.2} q ${rx * 0.6} ${-rx * 0.7} ${rx} ${rx * 0.2} q ${-rx * 0.2} ${rx * 0.8} ${-rx} ${rx * 0.6} q ${-rx * 0.8} ${rx * 0.1} ${-rx} ${-rx * 0.6} Z" fill="${r() > 0.5 ? color : shade(color, 0.15)}" stroke="${shade(color, -0.4)}" stroke-width="3"/>`,
    );
  }
  return `<ellipse cx="400" cy="470" rx="270" ry="30" fill="#000" opacity="0.12"/>
    <rect x="130" y="380" width="540" height="70" rx="30" fill="#8d6e63"/>
    <path d="M150 400 h 500 M 160 425 h 480" stroke="#6d4c41" stroke-width="4"/>${out.join("")}
    ${leaf(620, 170, 120, -40, "#2e7d32")}${leaf(170, 180, 100, -150, "#2e7d32")}`;
}

function veg(r: () => number, color: string): string {
  const out: string[] = [];
  for (let i = 0; i < 2; i++) {
    const y = 380 + i * 40;
    out.push(`<rect x="${150 + r() * 40}" y="${y}" width="330" height="56" rx="28" fill="#388e3c" transform="rotate(${-8 + r() * 6} 320 ${y})"/>`);
  }
  for (let i = 0; i < 7; i++) {
    const x = 360 + r() * 280;
    const y = 220 + r() * 180;
    const rad = 40 + r() * 18;
    out.push(`<circle cx="${x}" cy="${y}" r="${rad}" fill="${color}"/>
      <ellipse cx="${x - rad * 0.3}" cy="${y - rad * 0.35}" rx="${rad * 0.25}" ry="${rad * 0.15}" fill="#fff" opacity="0.45"/>
      <path d="M${x - 12} ${y - rad + 4} l 12 8 l 12 -8 l -6 10 l 8 6 h -14 z" fill="#2e7d32"/>`);
  }
  return `<ellipse cx="400" cy="500" rx="280" ry="28" fill="#000" opacity="0.12"/>${out.join("")}
    ${leaf(180, 200, 130, -30, "#558b2f")}${leaf(230, 170, 110, -70, "#689f38")}`;
}

function sack(_r: () => number, color: string): string {
  return `<ellipse cx="400" cy="530" rx="210" ry="26" fill="#000" opacity="0.14"/>
    <path d="M230 120 Q 400 90 570 120 L 600 500 Q 400 540 200 500 Z" fill="${color}"/>
    <path d="M230 120 Q 400 150 570 120" stroke="${shade(color, -0.35)}" stroke-width="10" fill="none"/>
    <circle cx="400" cy="320" r="95" fill="#f1f8e9"/>
    ${leaf(395, 360, 110, -60, "#43a047")}${leaf(395, 360, 90, -120, "#66bb6a")}
    <path d="M250 460 Q 400 490 550 460" stroke="${shade(color, 0.25)}" stroke-width="8" fill="none"/>`;
}

const DRAW: Record<ArtShape, (r: () => number, color: string) => string> = {
  fruit,
  kiwi,
  leaves,
  bowl: (r) => bowl(r),
  bottle,
  eggs,
  bird,
  fish,
  berries,
  mushroom,
  veg,
  sack,
};

/** The SVG source for a listing picture. */
export function listingArtSvg(category: CategorySlug, spec: ArtSpec = DEFAULT_ART[category], width = 800, height = 600): string {
  const r = rng(spec.seed ?? 1);
  const [from, to] = BACKGROUNDS[category];
  const bokeh: string[] = [];
  for (let i = 0; i < 8; i++) {
    bokeh.push(
      `<circle cx="${Math.floor(r() * 800)}" cy="${Math.floor(r() * 600)}" r="${30 + Math.floor(r() * 90)}" fill="#fff" opacity="${(0.08 + r() * 0.15).toFixed(2)}"/>`,
    );
  }
  const color = spec.color ?? DEFAULT_ART[category].color ?? "#888888";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 800 600" preserveAspectRatio="xMidYMid slice">
    <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
    <rect width="800" height="600" fill="url(#bg)"/>${bokeh.join("")}
    ${DRAW[spec.shape](r, color)}
  </svg>`;
}

/** A JPEG of the listing picture, ready for storeListingPhoto. */
export function renderListingArt(category: CategorySlug, spec?: ArtSpec, width = 800, height = 600): Promise<Buffer> {
  return sharp(Buffer.from(listingArtSvg(category, spec, width, height)))
    .jpeg({ quality: 86 })
    .toBuffer();
}
