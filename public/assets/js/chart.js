// The escalation timeline (uPlot): score over time on the level bands, incident markers to hover
// or to step through with the keyboard, and the as-of date drawn as a line.
import uPlot from '../vendor/uPlot.min.js';
import { fill, h } from './dom.js';
import { BAND_FILLS, BAND_INKS, LEVELS, humanDate, isoDay, scoreText, typeLabel } from './format.js';

const CONFLICT_MARKER = '#b3261e';
const COOPERATION_MARKER = '#1e6b35';
const LINE = '#1f2937';
const HOVER_PX = 10;

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dayTicks(self, splits) {
  const span = splits.length > 1 ? splits[1] - splits[0] : 0;
  return splits.map((seconds, i) => {
    const date = new Date(seconds * 1000);
    const year = date.getUTCFullYear();
    const label = span >= 28 * 86_400 ? MONTH_NAMES[date.getUTCMonth()] : `${date.getUTCDate()} ${MONTH_NAMES[date.getUTCMonth()]}`;
    const previous = i > 0 ? new Date(splits[i - 1] * 1000).getUTCFullYear() : null;
    return previous === year ? label : `${label}\n${year}`;
  });
}

/** Draws the level bands across the plot, under the grid and the line. */
function drawBands(u, { labels = true } = {}) {
  const { ctx } = u;
  const { left, width } = u.bbox;
  ctx.save();
  for (const band of LEVELS) {
    const top = u.valToPos(band.to, 'y', true);
    const bottom = u.valToPos(band.from, 'y', true);
    ctx.fillStyle = BAND_FILLS[band.level];
    ctx.fillRect(left, top, width, bottom - top);
    if (labels && bottom - top > 14 * uPlot.pxRatio) {
      ctx.fillStyle = BAND_INKS[band.level];
      ctx.font = `600 ${11 * uPlot.pxRatio}px system-ui, sans-serif`;
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      ctx.fillText(`${band.level} ${band.from}–${band.to === 100 ? 100 : band.to}`, left + 6 * uPlot.pxRatio, top + 4 * uPlot.pxRatio);
    }
  }
  ctx.restore();
}

/**
 * Mounts the chart in `container`. Returns { update(timeline, { asOf, conflictTypes }), destroy() }.
 * `describe` is a live region where keyboard users hear the marker they moved to.
 */
export function mountTimeline(container, { describe }) {
  let u = null;
  let points = [];
  let markers = [];
  let focused = -1;
  let asOfSec = null;
  let conflictTypes = new Set();

  const plot = h('div', { class: 'chart-plot' });
  const tip = h('div', { class: 'chart-tooltip', role: 'tooltip', id: 'chart-tooltip', hidden: true });
  fill(container, plot, tip);
  container.setAttribute('tabindex', '0');
  container.setAttribute('aria-describedby', 'chart-help');

  function xsOf() {
    return points.map((p) => Date.parse(p.at) / 1000);
  }

  /** Incidents arriving at the point, listed or not. */
  function arrivals(point) {
    return point.incidentCount ?? point.incidents.length;
  }

  function isConflictPoint(point) {
    return point.incidents.some((incident) => conflictTypes.has(incident.type));
  }

  function drawMarkers(self) {
    const { ctx } = self;
    const r = 5.5 * uPlot.pxRatio;
    ctx.save();
    markers.forEach((index, i) => {
      const point = points[index];
      const x = self.valToPos(Date.parse(point.at) / 1000, 'x', true);
      const y = self.valToPos(point.score, 'y', true);
      if (x < self.bbox.left - 1 || x > self.bbox.left + self.bbox.width + 1) return;
      ctx.beginPath();
      // Diamonds for conflict, circles for cooperation: told apart without colour too.
      if (isConflictPoint(point)) {
        ctx.moveTo(x, y - r * 1.25);
        ctx.lineTo(x + r * 1.25, y);
        ctx.lineTo(x, y + r * 1.25);
        ctx.lineTo(x - r * 1.25, y);
        ctx.closePath();
        ctx.fillStyle = CONFLICT_MARKER;
      } else {
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fillStyle = COOPERATION_MARKER;
      }
      ctx.fill();
      ctx.lineWidth = 1.5 * uPlot.pxRatio;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      if (i === focused) {
        ctx.beginPath();
        ctx.arc(x, y, r * 2.2, 0, 2 * Math.PI);
        ctx.lineWidth = 2.5 * uPlot.pxRatio;
        ctx.strokeStyle = '#0b57d0';
        ctx.stroke();
      }
    });
    ctx.restore();
  }

  function drawAsOf(self) {
    if (asOfSec === null) return;
    const x = self.valToPos(asOfSec, 'x', true);
    if (x < self.bbox.left || x > self.bbox.left + self.bbox.width) return;
    const { ctx } = self;
    ctx.save();
    ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
    ctx.strokeStyle = '#0b57d0';
    ctx.lineWidth = 1.5 * uPlot.pxRatio;
    ctx.beginPath();
    ctx.moveTo(x, self.bbox.top);
    ctx.lineTo(x, self.bbox.top + self.bbox.height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#0b57d0';
    ctx.font = `600 ${11 * uPlot.pxRatio}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    const label = 'as of';
    const width = ctx.measureText(label).width;
    const nearRight = x + width + 8 * uPlot.pxRatio > self.bbox.left + self.bbox.width;
    ctx.fillText(label, nearRight ? x - width - 4 * uPlot.pxRatio : x + 4 * uPlot.pxRatio, self.bbox.top + 4 * uPlot.pxRatio);
    ctx.restore();
  }

  /** The marker within reach of the cursor, as an index into `markers`, or -1. */
  function markerNear(self, left) {
    let best = -1;
    let bestDistance = HOVER_PX;
    markers.forEach((index, i) => {
      const distance = Math.abs(self.valToPos(Date.parse(points[index].at) / 1000, 'x') - left);
      if (distance <= bestDistance) {
        best = i;
        bestDistance = distance;
      }
    });
    return best;
  }

  function showTip(self, index, withIncidents) {
    const point = points[index];
    if (!point) {
      tip.hidden = true;
      return;
    }
    const day = humanDate(isoDay(new Date(point.at)));
    const incidents = withIncidents ? point.incidents : [];
    // The timeline lists the heaviest few of a busy day's incidents; the rest are counted.
    const unlisted = withIncidents ? arrivals(point) - incidents.length : 0;
    fill(
      tip,
      h('p', { class: 'tip-head' }, h('strong', {}, day), ' · score ', h('strong', {}, scoreText(point.score)), ` · ${point.level}`),
      incidents.length > 0 &&
        h(
          'ul',
          { class: 'tip-incidents' },
          incidents.map((incident) =>
            h(
              'li',
              {},
              h('span', { class: conflictTypes.has(incident.type) ? 'tip-type conflict' : 'tip-type cooperation' }, typeLabel(incident.type)),
              ` ${incident.actor} → ${incident.target} (${humanDate(incident.occurredOn)}): `,
              incident.summary,
            ),
          ),
        ),
      unlisted > 0 && h('p', { class: 'tip-more' }, `and ${unlisted} more ${unlisted === 1 ? 'incident' : 'incidents'}`),
    );
    tip.hidden = false;
    const x = self.valToPos(Date.parse(point.at) / 1000, 'x') + self.over.offsetLeft;
    const y = self.valToPos(point.score, 'y') + self.over.offsetTop;
    const box = container.getBoundingClientRect();
    const tipWidth = tip.offsetWidth;
    const left = Math.max(4, Math.min(x + 14, box.width - tipWidth - 4));
    tip.style.left = `${x + 14 + tipWidth > box.width ? Math.max(4, x - tipWidth - 14) : left}px`;
    tip.style.top = `${Math.max(4, y - tip.offsetHeight - 12)}px`;
    return incidents;
  }

  function onCursor(self) {
    const { left, idx } = self.cursor;
    if (left === undefined || left < 0 || idx === null || idx === undefined) {
      if (focused < 0) tip.hidden = true;
      return;
    }
    const near = markerNear(self, left);
    if (near >= 0) showTip(self, markers[near], true);
    else showTip(self, idx, false);
  }

  function focusMarker(i) {
    if (!u || markers.length === 0) return;
    focused = Math.max(0, Math.min(markers.length - 1, i));
    const index = markers[focused];
    const point = points[index];
    const xs = xsOf();
    // Keep the focused marker in view when zoomed in.
    const scale = u.scales.x;
    if (xs[index] < scale.min || xs[index] > scale.max) {
      const span = scale.max - scale.min;
      u.setScale('x', { min: xs[index] - span / 2, max: xs[index] + span / 2 });
    }
    u.redraw(false);
    const incidents = showTip(u, index, true);
    describe(
      `Marker ${focused + 1} of ${markers.length}: ${humanDate(isoDay(new Date(point.at)))}, score ${scoreText(point.score)} (${point.level}). ` +
        incidents.map((incident) => `${typeLabel(incident.type)}, ${incident.actor} to ${incident.target}: ${incident.summary}`).join('. ') +
        (arrivals(point) > incidents.length ? `. And ${arrivals(point) - incidents.length} more.` : ''),
    );
  }

  container.addEventListener('keydown', (event) => {
    const moves = { ArrowRight: focused + 1, ArrowLeft: focused < 0 ? markers.length - 1 : focused - 1, Home: 0, End: markers.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      focusMarker(moves[event.key]);
    } else if (event.key === 'Escape') {
      focused = -1;
      tip.hidden = true;
      u?.redraw(false);
    }
  });
  container.addEventListener('blur', () => {
    focused = -1;
    tip.hidden = true;
    u?.redraw(false);
  });
  plot.addEventListener('mouseleave', () => {
    if (focused < 0) tip.hidden = true;
  });

  function size() {
    return { width: Math.max(280, container.clientWidth), height: Math.round(Math.min(360, Math.max(240, container.clientWidth * 0.32))) };
  }

  function build() {
    const xs = xsOf();
    const opts = {
      ...size(),
      scales: { x: { time: true }, y: { range: [0, 100] } },
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false }, y: false },
      // Every date in Demarche is UTC; ticks read "2 Jul", with the year under the first tick of each year.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      axes: [
        { stroke: '#374151', grid: { stroke: 'rgba(0,0,0,0.07)' }, ticks: { stroke: 'rgba(0,0,0,0.2)' }, values: dayTicks, size: 48 },
        {
          stroke: '#374151',
          label: 'Escalation score',
          labelSize: 22,
          size: 44,
          splits: () => [0, 10, 30, 55, 80, 100],
          grid: { stroke: 'rgba(0,0,0,0.07)' },
          ticks: { stroke: 'rgba(0,0,0,0.2)' },
        },
      ],
      series: [{}, { label: 'Score', stroke: LINE, width: 2, points: { show: false } }],
      hooks: {
        drawClear: [(self) => drawBands(self)],
        draw: [drawAsOf, drawMarkers],
        setCursor: [onCursor],
        setScale: [() => { if (focused >= 0) tip.hidden = true; }],
      },
    };
    u = new uPlot(opts, [xs, points.map((p) => p.score)], plot);
  }

  const resize = new ResizeObserver(() => u?.setSize(size()));
  resize.observe(container);

  return {
    update(timeline, options) {
      points = timeline.points;
      markers = points.flatMap((point, index) => (arrivals(point) > 0 ? [index] : []));
      conflictTypes = options.conflictTypes;
      asOfSec = options.asOf ? Date.parse(`${options.asOf}T23:59:59Z`) / 1000 : null;
      focused = -1;
      tip.hidden = true;
      if (u) u.setData([xsOf(), points.map((p) => p.score)]);
      else build();
      container.dataset.points = String(points.length);
      container.dataset.markers = String(markers.length);
    },
    destroy() {
      resize.disconnect();
      u?.destroy();
    },
  };
}

/** A small, quiet chart of the score: bands and the line, no axes, for table rows. */
export function sparkline(container, points, { width = 160, height = 34 } = {}) {
  const xs = points.map((p) => Date.parse(p.at) / 1000);
  const opts = {
    width,
    height,
    pxAlign: false,
    scales: { x: { time: true }, y: { range: [0, 100] } },
    legend: { show: false },
    cursor: { show: false },
    select: { show: false },
    axes: [{ show: false }, { show: false }],
    series: [{}, { stroke: LINE, width: 1.5, points: { show: false } }],
    padding: [2, 2, 2, 2],
    hooks: { drawClear: [(self) => drawBands(self, { labels: false })] },
  };
  container.replaceChildren();
  return new uPlot(opts, [xs, points.map((p) => p.score)], container);
}
