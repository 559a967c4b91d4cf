import { geoEqualEarth, geoPath } from 'd3-geo';
import countries from 'i18n-iso-countries';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import { countryName, isCountryCode } from '../domain/countries.js';

export interface CountryShape {
  /** ISO 3166-1 alpha-3, or null for a territory without one (Kosovo, Northern Cyprus, Somaliland). */
  code: string | null;
  name: string;
  /** SVG path data in the map's coordinate space. */
  d: string;
}

export interface WorldMap {
  width: number;
  height: number;
  countries: CountryShape[];
}

const WIDTH = 960;
const HEIGHT = 470;

/**
 * The world's countries as SVG paths, projected once on the server from Natural Earth's 1:110m
 * shapes (world-atlas) with d3-geo's Equal Earth projection: the map needs no tiles, no network
 * and no bundler in the browser. About 100 KB, sent once and revalidated by ETag.
 */
export function buildWorldMap(): WorldMap {
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8')) as Parameters<typeof feature>[0];
  // The file's one object of countries, each with its ISO numeric id and a name.
  const shapes = feature(topology, topology.objects.countries) as { type: 'FeatureCollection'; features: { type: 'Feature'; id?: string | number; properties: { name?: string } | null; geometry: never }[] };
  const projection = geoEqualEarth().fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], shapes);
  const path = geoPath(projection).digits(1);
  const list: CountryShape[] = [];
  for (const shape of shapes.features) {
    const d = path(shape);
    if (!d) continue;
    const alpha3 = shape.id === undefined ? undefined : countries.numericToAlpha3(String(shape.id).padStart(3, '0'));
    const code = alpha3 && isCountryCode(alpha3) ? alpha3 : null;
    list.push({ code, name: code ? countryName(code) : (shape.properties?.name ?? 'Territory'), d });
  }
  list.sort((x, y) => x.name.localeCompare(y.name));
  return { width: WIDTH, height: HEIGHT, countries: list };
}
