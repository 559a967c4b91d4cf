import { geoCentroid, geoEqualEarth, geoPath, type GeoProjection } from 'd3-geo';
import countries from 'i18n-iso-countries';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import { countryName, isCountryCode } from '../domain/countries.js';

export interface CountryShape {
  /** ISO 3166-1 alpha-3, or null for a territory without one (Kosovo, Northern Cyprus, Somaliland). */
  code: string | null;
  name: string;
  /** SVG path data in the map's coordinate space; empty for a country drawn as a dot. */
  d: string;
  /**
   * Where to draw a dot, for a country too small for the 1:110m outlines (Singapore, Bahrain,
   * Malta, island states): its centre in the map's coordinate space, from Natural Earth's 1:50m
   * shapes. Null for a country drawn by its outline.
   */
  dot: [number, number] | null;
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
  const shapes = countryShapes('countries-110m.json');
  const projection = geoEqualEarth().fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], shapes);
  const path = geoPath(projection).digits(1);
  const list: CountryShape[] = [];
  for (const shape of shapes.features) {
    const d = path(shape);
    if (!d) continue;
    const code = codeOf(shape);
    list.push({ code, name: code ? countryName(code) : (shape.properties?.name ?? 'Territory'), d, dot: null });
  }
  list.push(...dotsForTheSmall(projection, new Set(list.map((country) => country.code))));
  list.sort((x, y) => x.name.localeCompare(y.name));
  return { width: WIDTH, height: HEIGHT, countries: list };
}

/** Countries with an ISO code that the 1:110m file leaves out, as dots at the centre of their 1:50m shapes. */
function dotsForTheSmall(projection: GeoProjection, drawn: ReadonlySet<string | null>): CountryShape[] {
  const dots: CountryShape[] = [];
  for (const shape of countryShapes('countries-50m.json').features) {
    const code = codeOf(shape);
    if (!code || drawn.has(code)) continue;
    const point = projection(geoCentroid(shape));
    if (!point) continue;
    dots.push({ code, name: countryName(code), d: '', dot: [round(point[0]), round(point[1])] });
  }
  return dots;
}

type CountryFeature = { type: 'Feature'; id?: string | number; properties: { name?: string } | null; geometry: never };

function countryShapes(file: string): { type: 'FeatureCollection'; features: CountryFeature[] } {
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(readFileSync(require.resolve(`world-atlas/${file}`), 'utf8')) as Parameters<typeof feature>[0];
  // The file's one object of countries, each with its ISO numeric id and a name.
  return feature(topology, topology.objects.countries) as unknown as { type: 'FeatureCollection'; features: CountryFeature[] };
}

function codeOf(shape: CountryFeature): string | null {
  const alpha3 = shape.id === undefined ? undefined : countries.numericToAlpha3(String(shape.id).padStart(3, '0'));
  return alpha3 && isCountryCode(alpha3) ? alpha3 : null;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
