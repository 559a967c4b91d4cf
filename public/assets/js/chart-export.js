// Downloads of the pair's chart: PNG from the drawn canvas, SVG drawn afresh from the same points (sharp at any size).
import { h } from './dom.js';
import { BAND_FILLS, BAND_INKS, LEVELS } from './format.js';

const WIDTH = 960;
const HEIGHT = 360;
const MARGIN = { top: 16, right: 16, bottom: 36, left: 44 };

function escapeXml(text) {
  return String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}

/** The timeline as a standalone SVG document: level bands, the score line, the dates at both ends, a title. */
export function timelineSvg(timeline, title) {
  const points = timeline.points;
  const innerW = WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const t0 = Date.parse(points[0].at);
  const t1 = Date.parse(points.at(-1).at);
  const x = (at) => MARGIN.left + (t1 === t0 ? innerW / 2 : ((Date.parse(at) - t0) / (t1 - t0)) * innerW);
  const y = (score) => MARGIN.top + innerH - (score / 100) * innerH;
  const bands = LEVELS.map(
    (band) =>
      `<rect x="${MARGIN.left}" y="${y(band.to).toFixed(1)}" width="${innerW}" height="${(y(band.from) - y(band.to)).toFixed(1)}" fill="${BAND_FILLS[band.level]}"/>` +
      `<text x="${MARGIN.left + 6}" y="${(y(band.to) + 13).toFixed(1)}" font-size="11" fill="${BAND_INKS[band.level]}">${band.level}</text>`,
  );
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(p.score).toFixed(1)}`).join('');
  const ticks = [0, 25, 50, 75, 100].map((s) => `<text x="${MARGIN.left - 6}" y="${(y(s) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#5b6573">${s}</text>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif">` +
    `<title>${escapeXml(title)}</title><rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>` +
    bands.join('') +
    ticks.join('') +
    `<path d="${line}" fill="none" stroke="#0b57d0" stroke-width="2"/>` +
    `<text x="${MARGIN.left}" y="${HEIGHT - 12}" font-size="12" fill="#1c2430">${escapeXml(points[0].at.slice(0, 10))}</text>` +
    `<text x="${WIDTH - MARGIN.right}" y="${HEIGHT - 12}" font-size="12" text-anchor="end" fill="#1c2430">${escapeXml(points.at(-1).at.slice(0, 10))}</text>` +
    `</svg>`
  );
}

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Two buttons under the chart. `current()` returns { timeline, title, filename } for what is shown,
 * or null when there is nothing to export (the buttons then say so by being disabled).
 */
export function mountChartExport(container, current) {
  const png = h('button', { type: 'button', class: 'button', id: 'export-png' }, 'Download PNG');
  const svg = h('button', { type: 'button', class: 'button', id: 'export-svg' }, 'Download SVG');
  const csv = h('a', { class: 'button', id: 'export-csv', href: '#', download: 'timeline.csv' }, 'Points as CSV');
  container.replaceChildren(h('span', { class: 'small muted' }, 'Chart: '), png, ' ', svg, ' ', csv);
  png.addEventListener('click', () => {
    const shown = current();
    const canvas = document.querySelector('#chart canvas');
    if (!shown || !canvas) return;
    canvas.toBlob((blob) => blob && download(blob, `${shown.filename}.png`), 'image/png');
  });
  svg.addEventListener('click', () => {
    const shown = current();
    if (!shown) return;
    download(new Blob([timelineSvg(shown.timeline, shown.title)], { type: 'image/svg+xml' }), `${shown.filename}.svg`);
  });
  return {
    /** `csvHref`: the timeline API call of what is shown, answered as CSV. */
    update(enabled, csvHref) {
      png.disabled = !enabled;
      svg.disabled = !enabled;
      csv.hidden = !enabled;
      if (csvHref) csv.href = csvHref;
    },
  };
}
