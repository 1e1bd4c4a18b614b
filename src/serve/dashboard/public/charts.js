// Small hand-drawn SVG charts: grouped bars, a line with dots (broken across gaps in time) and a running balance
// (a step line that may go below zero), each with axes, ticks, labels and a legend.
import { h, s } from './dom.js';

const W = 640;
const H = 220;
const PAD = { left: 52, right: 12, top: 14, bottom: 46 };

/** A round upper bound and tick step for values up to `max`. */
function niceScale(max, ticks = 4) {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  return { top: Math.ceil(max / step) * step, step };
}

/** A round range holding `min`, `max` and zero, with its tick step. */
function niceRange(min, max, ticks = 4) {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  if (!(hi > lo)) return { bottom: 0, top: 1, step: 1 };
  const { step } = niceScale(hi - lo, ticks);
  return { bottom: Math.floor(lo / step) * step, top: Math.ceil(hi / step) * step, step };
}

const short = (n) =>
  n < 0
    ? `-${short(-n)}`
    : n >= 1e9
      ? `${+(n / 1e9).toFixed(1)}B`
      : n >= 1e6
        ? `${+(n / 1e6).toFixed(1)}M`
        : n >= 1e4
          ? `${+(n / 1e3).toFixed(1)}k`
          : String(+n.toFixed(2));

/** The chart's frame: axes, a grid line and label per tick from `bottom` (0 unless values go below it) to `top`. */
function frame(title, yLabel, top, step, testid, bottom = 0, tickText = short) {
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title, testid });
  svg.append(s('title', {}, title));
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v) => PAD.top + plotH - ((v - bottom) / (top - bottom)) * plotH;
  for (let k = 0; bottom + k * step <= top + step * 1e-9; k++) {
    const v = bottom + k * step;
    svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, tickText(v)));
  }
  if (bottom < 0) svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0), class: 'zero' }));
  svg.append(s('line', { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: H - PAD.bottom, class: 'axis' }));
  svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: 'axis' }));
  svg.append(
    s(
      'text',
      {
        x: 12,
        y: PAD.top + plotH / 2,
        transform: `rotate(-90 12 ${PAD.top + plotH / 2})`,
        'text-anchor': 'middle',
        class: 'axis-label',
      },
      yLabel,
    ),
  );
  return { svg, y };
}

function legend(series) {
  return h(
    'ul',
    { class: 'legend' },
    series.map((sr, i) => h('li', {}, h('span', { class: `swatch series-${sr.series ?? i}` }), sr.name)),
  );
}

function figure(title, testid, svg, series, note) {
  return h(
    'figure',
    { class: 'chart-box', testid },
    h('figcaption', {}, title),
    svg,
    series ? legend(series) : null,
    note ? h('p', { class: 'muted' }, note) : null,
  );
}

/**
 * Grouped bars: `categories` along x (labels), one bar per series in each group.
 * series: [{name, values: number[], series?: colour index}]
 */
export function barChart({ title, yLabel, categories, series, testid, note }) {
  const max = Math.max(0, ...series.flatMap((sr) => sr.values.map((v) => v ?? 0)));
  const { top, step } = niceScale(max);
  const { svg, y } = frame(title, yLabel, top, step, `${testid}-svg`);
  const plotW = W - PAD.left - PAD.right;
  const groupW = plotW / Math.max(1, categories.length);
  const barW = Math.max(2, Math.min(28, (groupW * 0.8) / series.length));
  // Thin the labels so that they never overlap (about 6 px per character at this size).
  const widest = Math.max(1, ...categories.map((c) => String(c).length)) * 6 + 10;
  const labelEvery = Math.max(1, Math.ceil(widest / groupW));
  categories.forEach((label, ci) => {
    const x0 = PAD.left + ci * groupW + (groupW - barW * series.length) / 2;
    series.forEach((sr, si) => {
      const v = sr.values[ci] ?? 0;
      const rect = s('rect', {
        x: x0 + si * barW,
        y: y(v),
        width: barW - 1,
        height: Math.max(0, y(0) - y(v)),
        class: `bar series-${sr.series ?? si}`,
      });
      rect.append(s('title', {}, `${label} — ${sr.name}: ${v}`));
      svg.append(rect);
    });
    if (ci % labelEvery === 0) {
      const lx = PAD.left + ci * groupW + groupW / 2;
      svg.append(s('text', { x: lx, y: H - PAD.bottom + 14, 'text-anchor': 'middle', class: 'tick' }, label));
    }
  });
  if (categories.length === 0)
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'tick' }, 'No data yet'));
  return figure(title, testid, svg, series, note);
}

/**
 * Time-sorted points cut where the time between two is far longer than usual (more than four times the
 * median step and a twentieth of the whole span): a line across such a gap would draw values never measured.
 */
function segmentsOf(pts) {
  if (pts.length < 3) return pts.length ? [pts] : [];
  const steps = pts
    .slice(1)
    .map((p, i) => p.t - pts[i].t)
    .sort((a, b) => a - b);
  const median = steps[Math.floor((steps.length - 1) / 2)];
  const gap = Math.max(4 * median, (pts.at(-1).t - pts[0].t) / 20);
  const out = [[pts[0]]];
  for (let i = 1; i < pts.length; i++) {
    if (pts[i].t - pts[i - 1].t > gap) out.push([]);
    out.at(-1).push(pts[i]);
  }
  return out;
}

/**
 * Points over time joined by a line, broken where time has a gap: points [{t: Date|string, v: number, label?,
 * bad?}] (bad points are drawn red).
 */
export function timeChart({ title, yLabel, points, testid, name, note }) {
  const pts = points
    .map((p) => ({ ...p, t: new Date(p.t).getTime() }))
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v))
    .sort((a, b) => a.t - b.t);
  const { top, step } = niceScale(Math.max(0, ...pts.map((p) => p.v)));
  const { svg, y } = frame(title, yLabel, top, step, `${testid}-svg`);
  const plotW = W - PAD.left - PAD.right;
  const t0 = pts[0]?.t ?? 0;
  const t1 = pts.at(-1)?.t ?? 1;
  const x = (t) => PAD.left + (t1 === t0 ? plotW / 2 : ((t - t0) / (t1 - t0)) * plotW);
  for (const segment of segmentsOf(pts)) {
    if (segment.length > 1)
      svg.append(
        s('polyline', { points: segment.map((p) => `${x(p.t)},${y(p.v)}`).join(' '), class: 'line series-0' }),
      );
  }
  for (const p of pts) {
    const dot = s('circle', { cx: x(p.t), cy: y(p.v), r: 3.5, class: p.bad ? 'dot bad' : 'dot series-0' });
    dot.append(s('title', {}, `${new Date(p.t).toLocaleString()}: ${p.label ?? p.v}`));
    svg.append(dot);
  }
  if (pts.length === 0)
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'tick' }, 'No data yet'));
  else {
    svg.append(
      s(
        'text',
        { x: PAD.left, y: H - PAD.bottom + 14, 'text-anchor': 'start', class: 'tick' },
        new Date(t0).toLocaleTimeString(),
      ),
    );
    if (t1 !== t0)
      svg.append(
        s(
          'text',
          { x: W - PAD.right, y: H - PAD.bottom + 14, 'text-anchor': 'end', class: 'tick' },
          new Date(t1).toLocaleTimeString(),
        ),
      );
  }
  svg.append(s('text', { x: PAD.left + plotW / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-label' }, 'time'));
  return figure(title, testid, svg, [{ name, series: 0 }], note);
}

/** Counts of items per time bucket (for "failures over time"): [{label, counts per series}]. */
export function bucketByTime(items, buckets = 12) {
  const times = items.map((i) => new Date(i.t).getTime()).filter(Number.isFinite);
  if (times.length === 0) return { labels: [], index: () => 0 };
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const n = t1 === t0 ? 1 : buckets;
  const width = (t1 - t0) / n || 1;
  const labels = Array.from({ length: n }, (_, i) =>
    new Date(t0 + i * width).toLocaleTimeString([], {
      hour: '2-digit',
      minute: '2-digit',
      second: n > 1 && width < 60_000 ? '2-digit' : undefined,
    }),
  );
  return { labels, index: (t) => Math.min(n - 1, Math.floor((new Date(t).getTime() - t0) / width)) };
}

/**
 * A running balance: one dot per entry, in order, evenly spaced (hundreds of entries on one day stay apart), joined by
 * a step line from a zero opening balance; below zero is a credit. entries: [{balanceCents: bigint, day, label}]
 * (the dots carry `data-balance-cents`, exact, for whoever reads the chart back).
 */
export function balanceChart({ title, entries, testid, note }) {
  const dollars = entries.map((e) => Number(e.balanceCents) / 100); // only to place the dots; the labels are exact
  const { bottom, top, step } = niceRange(Math.min(0, ...dollars), Math.max(0, ...dollars));
  const { svg, y } = frame(title, 'balance ($)', top, step, `${testid}-svg`, bottom, (v) => `$${short(v)}`);
  const plotW = W - PAD.left - PAD.right;
  const n = entries.length;
  const x = (i) => PAD.left + ((i + 0.5) / Math.max(1, n)) * plotW;
  if (n) {
    const corners = [`${PAD.left},${y(0)}`];
    dollars.forEach((v, i) => corners.push(`${x(i)},${y(i ? dollars[i - 1] : 0)}`, `${x(i)},${y(v)}`));
    corners.push(`${W - PAD.right},${y(dollars.at(-1))}`);
    svg.append(s('polyline', { points: corners.join(' '), class: 'line series-0' }));
  }
  const r = Math.max(1.2, Math.min(3.5, plotW / Math.max(1, n) / 3));
  entries.forEach((e, i) => {
    const dot = s('circle', {
      cx: x(i),
      cy: y(dollars[i]),
      r,
      class: `dot point ${e.balanceCents < 0n ? 'credit' : 'series-0'}`,
      'data-balance-cents': String(e.balanceCents),
    });
    dot.append(s('title', {}, e.label));
    svg.append(dot);
  });
  if (n === 0) svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'tick' }, 'No entries'));
  else {
    svg.append(
      s('text', { x: PAD.left, y: H - PAD.bottom + 14, 'text-anchor': 'start', class: 'tick' }, entries[0].day),
    );
    if (n > 1)
      svg.append(
        s(
          'text',
          { x: W - PAD.right, y: H - PAD.bottom + 14, 'text-anchor': 'end', class: 'tick' },
          entries.at(-1).day,
        ),
      );
  }
  svg.append(
    s(
      'text',
      { x: PAD.left + plotW / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-label' },
      'entries, oldest first',
    ),
  );
  return figure(title, testid, svg, [{ name: 'balance (below zero: credit)', series: 0 }], note);
}
