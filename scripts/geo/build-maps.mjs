// Regenerates the map geometry of pep-tracker's choropleths (src/web/maps.rs) from two npm
// packages: `world-atlas` (Natural Earth 1:110m admin-0 countries, public domain) and
// `us-atlas` (US Census Bureau cartographic boundary states, 1:10m, already projected to Albers
// USA in a 975×610 frame; public domain). Writes two small TSV files, one line per shape:
//   CODE <TAB> NAME <TAB> SVG path data
// world.tsv: ISO 3166-1 alpha-2 codes, Equal Earth projection fitted to 960×470, Antarctica left
// out; us-states.tsv: USPS codes, simplified. A first line `# viewBox x y w h` gives the frame.
//
//   cd scripts/geo && npm ci && node build-maps.mjs ../../geo
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import { presimplify, simplify, quantile } from "topojson-simplify";
import countries from "i18n-iso-countries";

const require = createRequire(import.meta.url);
const out = process.argv[2] ?? "../../geo";
const load = (p) => JSON.parse(readFileSync(require.resolve(p), "utf8"));

// FIPS state codes of the Census files → USPS codes (as addresses write the region).
const USPS = {
  "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
  "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
  "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
  "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
  "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
  "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
  "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
  "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
};

function write(file, viewBox, rows) {
  rows.sort((a, b) => a[0].localeCompare(b[0]));
  const text = [`# viewBox ${viewBox}`, ...rows.map((r) => r.join("\t"))].join("\n") + "\n";
  writeFileSync(`${out}/${file}`, text);
  console.error(`${file}: ${rows.length} shapes, ${text.length} bytes`);
}

function world() {
  const topo = load("world-atlas/countries-110m.json");
  const land = feature(topo, topo.objects.countries);
  land.features = land.features.filter((f) => f.id !== "010"); // Antarctica
  const projection = geoEqualEarth().fitSize([960, 470], land);
  const path = geoPath(projection).digits(1);
  const rows = [];
  for (const f of land.features) {
    const code = f.id && countries.numericToAlpha2(f.id);
    const d = path(f);
    if (!code || !d) continue; // shapes without an ISO code (Kosovo, N. Cyprus, Somaliland)
    rows.push([code, f.properties.name, d]);
  }
  write("world.tsv", "0 0 960 470", rows);
}

function states() {
  let topo = load("us-atlas/states-albers-10m.json");
  topo = presimplify(topo);
  topo = simplify(topo, quantile(topo, 0.12));
  const path = geoPath(null).digits(1);
  const rows = [];
  for (const f of feature(topo, topo.objects.states).features) {
    const code = USPS[f.id];
    const d = path(f);
    if (code && d) rows.push([code, f.properties.name, d]);
  }
  write("us-states.tsv", "0 0 975 610", rows);
}

world();
states();
