// Self-contained HTML rendering of one or more ReportDocs: inline CSS and inline SVG charts,
// no scripts, no external URL of any kind, so the file opens offline.
import {
  STATUS_WORD,
  tableCells,
  type BarItem,
  type Block,
  type ClusterBlock,
  type ReportDoc,
  type Series,
  type Status,
} from './doc.ts';

export const esc = (s: string | number): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const COLORS = {
  good: '#2e844a',
  warn: '#dd7a01',
  bad: '#ba0517',
  info: '#0176d3',
  skipped: '#706e6b',
} as const;
const PALETTE = ['#0176d3', '#dd7a01', '#2e844a', '#9050e9', '#ba0517', '#706e6b'];

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#181818;margin:0;background:#f3f3f3}
main{max-width:1100px;margin:0 auto;padding:24px}
header{background:#032d60;color:#fff;padding:20px 24px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
nav{margin:8px 0 0}nav a{color:#cfe9fe;margin-right:14px;font-size:13px}
article{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);margin:0 0 24px;padding:8px 24px 24px}
article>h2{font-size:20px;border-bottom:2px solid #0176d3;padding-bottom:6px}
section h3{font-size:16px;margin:22px 0 8px;color:#032d60}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px}
.kpi{border:1px solid #e5e5e5;border-left:5px solid #0176d3;border-radius:6px;padding:8px 10px}
.kpi .l{font-size:12px;color:#555}.kpi .v{font-size:22px;font-weight:600}.kpi .b{font-size:12px;color:#555}
.kpi.good{border-left-color:${COLORS.good}}.kpi.warn{border-left-color:${COLORS.warn}}.kpi.bad{border-left-color:${COLORS.bad}}.kpi.skipped{border-left-color:${COLORS.skipped};color:#555}
.st{font-size:11px;font-weight:600;text-transform:uppercase;padding:1px 6px;border-radius:8px;color:#fff;white-space:nowrap}
.st.good{background:${COLORS.good}}.st.warn{background:${COLORS.warn}}.st.bad{background:${COLORS.bad}}.st.info,.st.skipped{background:${COLORS.skipped}}
table{border-collapse:collapse;width:100%;max-width:100%;font-size:13px;margin:6px 0}th,td{border-bottom:1px solid #e5e5e5;padding:4px 8px;text-align:left;overflow-wrap:anywhere}
.tw{max-width:100%;overflow-x:auto}a.csv{font-size:12px;font-weight:400;margin-left:8px}
th{background:#fafaf9;overflow-wrap:normal}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.bad td{background:#fef1ee}tr.warn td{background:#fef7e6}
figure{margin:10px 0}figcaption{font-weight:600;margin-bottom:4px}svg text{font:11px system-ui,sans-serif;fill:#333}
p.more{color:#555;font-size:12px}pre{white-space:pre-wrap}main,article{overflow-wrap:anywhere}
.card{border:1px solid #e5e5e5;border-radius:8px;margin:12px 0;padding:8px 12px;max-width:100%}.card .ch{margin-bottom:6px}.card .ch span{color:#555;font-size:12px}
table.cl{table-layout:fixed}table.cl th[scope=row]{width:16%;font-weight:600;color:#555}table.cl td.win{background:#e3f3e6;font-weight:600}table.cl td.merged{background:#f3f8fe}
`;

const isNum = (v: string | number): boolean => typeof v === 'number' || /^[-+$]?[\d,.]+(%|x|×)?$/.test(v);

function barsSvg(title: string, items: BarItem[]): string {
  const rowH = 22;
  const labelW = Math.min(220, 10 + 7 * Math.max(...items.map((i) => i.label.length), 4));
  const width = 760;
  const barW = width - labelW - (items.some((i) => judged(i.status)) ? 170 : 90);
  const max = Math.max(...items.map((i) => Math.abs(i.value)), 1e-9);
  const h = items.length * rowH + 8;
  const rows = items
    .map((it, i) => {
      const w = Math.max(1, (Math.abs(it.value) / max) * barW);
      const y = 4 + i * rowH;
      const color = COLORS[it.status ?? 'info'];
      const shown = `${it.display ?? String(it.value)}${judged(it.status) ? ` (${STATUS_WORD[it.status!]})` : ''}`;
      return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(it.label)}</text><rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 7}" fill="${color}" rx="2"><title>${esc(it.label)}: ${esc(shown)}</title></rect><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${esc(shown)}</text>`;
    })
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${h}" width="100%" style="max-width:${width}px">${rows}</svg></figure>`;
}

function lineSvg(b: Extract<Block, { kind: 'line' }>): string {
  const W = 520;
  const H = 320;
  const m = { l: 48, r: 16, t: 12, b: 40 };
  const pts = b.series.flatMap((s) => s.points);
  const xMax = b.xMax ?? Math.max(...pts.map((p) => p[0]), 1e-9);
  const yMax = b.yMax ?? Math.max(...pts.map((p) => p[1]), 1e-9);
  const X = (x: number): number => m.l + (x / xMax) * (W - m.l - m.r);
  const Y = (y: number): number => H - m.b - (y / yMax) * (H - m.t - m.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks
    .map(
      (t) =>
        `<line x1="${X(0)}" x2="${X(xMax)}" y1="${Y(t * yMax).toFixed(1)}" y2="${Y(t * yMax).toFixed(1)}" stroke="#e5e5e5"/><text x="${m.l - 6}" y="${(Y(t * yMax) + 4).toFixed(1)}" text-anchor="end">${+(t * yMax).toFixed(2)}</text><text x="${X(t * xMax).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${+(t * xMax).toFixed(2)}</text>`,
    )
    .join('');
  const lines = b.series
    .map((s: Series, i) => {
      const d = s.points
        .map((p, j) => `${j ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`)
        .join('');
      return `<path d="${d}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"${i ? ' stroke-dasharray="5,4"' : ''}/><text x="${W - m.r - 4}" y="${m.t + 14 + i * 14}" text-anchor="end" style="fill:${PALETTE[i % PALETTE.length]}">${esc(s.name)}</text>`;
    })
    .join('');
  const axes = `<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle">${esc(b.xLabel)}</text><text transform="translate(12 ${(H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(b.yLabel)}</text>`;
  return `<figure><figcaption>${esc(b.title)}</figcaption><svg role="img" aria-label="${esc(b.title)}" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px">${grid}${lines}${axes}</svg></figure>`;
}

/** Options of an HTML page: links to the CSV file written for each table, and to records in the org. */
export interface HtmlOptions {
  /** The CSV file (a path relative to the HTML file) written for a table block. */
  csv?: Map<Block, string>;
  /** https://<my domain>.my.salesforce.com: record Ids in idColumns link to the record. */
  instanceUrl?: string;
}

const judged = (s: Status | undefined): boolean => !!s && s !== 'info';
const pill = (s: Status | undefined): string =>
  judged(s) ? `<span class="st ${s}">${esc(STATUS_WORD[s!])}</span>` : '';

/** A record Id as a link to the record in the org (Lightning resolves /<Id>), or as text without an org URL. */
function recordLink(id: string | number, instanceUrl: string | undefined): string {
  const v = String(id);
  if (!instanceUrl || !/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(v)) return esc(v);
  return `<a href="${esc(instanceUrl.replace(/\/+$/, ''))}/${v}">${esc(v)}</a>`;
}

function blockHtml(b: Block, opts: HtmlOptions): string {
  switch (b.kind) {
    case 'kpis':
      return `<div class="kpis">${b.items
        .map(
          (k) =>
            `<div class="kpi ${k.status ?? 'info'}"><div class="l">${esc(k.label)}</div><div class="v">${esc(k.value)}</div>${
              k.benchmark || judged(k.status)
                ? `<div class="b">${k.benchmark ? `benchmark ${esc(k.benchmark)} ` : ''}${pill(k.status)}</div>`
                : ''
            }${k.note ? `<div class="b">${esc(k.note)}</div>` : ''}</div>`,
        )
        .join('')}</div>`;
    case 'table': {
      const t = tableCells(b);
      const rows = t.rows.slice(0, Math.max(b.limit ?? 0, 500));
      const statusCol = t.columns.length > b.columns.length ? b.columns.length : -1;
      const ids = new Set(b.idColumns ?? []);
      const cell = (c: string | number, j: number, i: number): string =>
        j === statusCol
          ? `<td>${c ? pill(b.rowStatus?.[i]) : ''}</td>`
          : `<td${isNum(c) ? ' class="n"' : ''}>${ids.has(j) ? recordLink(c, opts.instanceUrl) : esc(c)}</td>`;
      const head = `<tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
      const body = rows
        .map(
          (r, i) =>
            `<tr${b.rowStatus?.[i] ? ` class="${b.rowStatus[i]}"` : ''}>${r.map((c, j) => cell(c, j, i)).join('')}</tr>`,
        )
        .join('');
      const csv = opts.csv?.get(b);
      const csvLink = csv ? `<a class="csv" href="${esc(csv)}">CSV</a>` : '';
      const more =
        b.rows.length > rows.length
          ? `<p class="more">${b.rows.length - rows.length} more rows in the ${csv ? 'CSV file and the ' : ''}--json output.</p>`
          : '';
      const title = b.title || csvLink ? `<h4>${esc(b.title ?? '')}${csvLink}</h4>` : '';
      return `${title}${rows.length ? `<div class="tw"><table>${head}${body}</table></div>` : '<p>(none)</p>'}${more}`;
    }
    case 'bars':
      return b.items.length ? barsSvg(b.title, b.items) : `<p>${esc(b.title)}: (none)</p>`;
    case 'line':
      return lineSvg(b);
    case 'text':
      return `<p>${esc(b.text)}</p>`;
    case 'clusters':
      return clusterCards(b, opts);
  }
}

/**
 * Duplicate clusters as cards: the records side by side (a column each, the survivor first and marked), a row per
 * field, the value that wins the merge highlighted and ticked (✓, not colour only), and the merged result last.
 * Fixed table layout: however many records or long values, a card never gets wider than the page.
 */
function clusterCards(b: ClusterBlock, opts: HtmlOptions): string {
  const shown = b.clusters.slice(0, b.limit ?? 50);
  const csv = opts.csv?.get(b);
  const head =
    b.title || csv
      ? `<h4>${esc(b.title ?? '')}${csv ? `<a class="csv" href="${esc(csv)}">CSV</a>` : ''}</h4>`
      : '';
  const cards = shown.map((c) => {
    const cols = c.records
      .map(
        (r) =>
          `<th>${recordLink(r.id, opts.instanceUrl)}${r.survivor ? ' <span class="st good">survivor</span>' : ''}</th>`,
      )
      .join('');
    const rows = b.fields
      .map((f, i) => {
        const w = c.winners[i];
        const cells = c.records
          .map((r) => {
            const v = r.values[i] ?? '';
            const wins = w && v !== '' && (w.fromId ? w.fromId === r.id : v === w.value);
            return wins ? `<td class="win" title="winning value">✓ ${esc(v)}</td>` : `<td>${esc(v)}</td>`;
          })
          .join('');
        return `<tr><th scope="row">${esc(f)}</th>${cells}<td class="merged">${esc(w?.value ?? '')}</td></tr>`;
      })
      .join('');
    return `<div class="card"><div class="ch"><b>${esc(c.title)}</b>${c.note ? ` <span>${esc(c.note)}</span>` : ''}</div><table class="cl"><tr><th>field</th>${cols}<th>merged</th></tr>${rows}</table></div>`;
  });
  const more =
    b.clusters.length > shown.length
      ? `<p class="more">${b.clusters.length - shown.length} more clusters in the ${csv ? 'CSV file and the ' : ''}--json output.</p>`
      : '';
  return `${head}${cards.length ? cards.join('') : '<p>(none)</p>'}${more}`;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** One HTML page holding one or more reports (e.g. audit + metrics). */
export function renderHtml(
  docs: ReportDoc[],
  title = docs.map((d) => d.title).join(' + '),
  opts: HtmlOptions = {},
): string {
  const nav =
    docs.length > 1
      ? `<nav>${docs.map((d) => `<a href="#${slug(d.title)}">${esc(d.title)}</a>`).join('')}</nav>`
      : '';
  const articles = docs
    .map(
      (d) =>
        `<article id="${slug(d.title)}"><h2>${esc(d.title)}</h2>${d.subtitle ? `<p>${esc(d.subtitle)}</p>` : ''}${d.sections
          .map(
            (s) =>
              `<section><h3>${esc(s.title)}</h3>${s.blocks.map((b) => blockHtml(b, opts)).join('\n')}</section>`,
          )
          .join('\n')}</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p>RevOps Engine report</p>${nav}</header><main>
${articles}
</main></body></html>
`;
}
