import { valueToText, type AttributeValue } from '../core/values.js';
import type { PendingRenderer, PendingStats } from './pending-formats.js';
import type { PendingChange, PendingRow } from './pending-rows.js';
import { escapeHtml, jsonForHtml } from './text-escape.js';

const COLUMNS = [
  'Operation',
  'Type',
  'DN',
  'New DN',
  'UPN',
  'Display name',
  'Attribute',
  'Change',
  'Old',
  'New',
  'Sync rule',
  'Object ID',
];

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;white-space:pre-wrap;word-break:break-word}
th{background:#f0f0f0;white-space:nowrap}#rows th{cursor:pointer;user-select:none}#rows th.asc::after{content:" \\25B2"}#rows th.desc::after{content:" \\25BC"}
.stats{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}#filter{width:30em;padding:4px}#pager button{margin:0 .3em}`;

// Client side: everything goes through textContent, never innerHTML, so data cannot become markup.
const SCRIPT = `(function(){
var rows=JSON.parse(document.getElementById('data').textContent);
var stats=JSON.parse(document.getElementById('stats').textContent);
var cols=${JSON.stringify(COLUMNS)};
var view=rows,sortCol=-1,asc=true,page=0,PAGE=200;
function el(t,x){var e=document.createElement(t);if(x!==undefined)e.textContent=String(x);return e;}
function table(title,pairs){var t=el('table'),h=el('tr');h.appendChild(el('th',title));h.appendChild(el('th','objects'));t.appendChild(h);
pairs.forEach(function(p){var r=el('tr');r.appendChild(el('td',p[0]));r.appendChild(el('td',p[1]));t.appendChild(r);});return t;}
var s=document.getElementById('summary'),c=stats.counts;
s.appendChild(table('operation',[['add',c.adds],['update',c.updates],['rename',c.renames],['delete',c.deletes],['total',stats.objects]]));
s.appendChild(table('attribute',stats.attributes));
var head=document.getElementById('head'),body=document.getElementById('body'),pager=document.getElementById('pager'),filter=document.getElementById('filter');
cols.forEach(function(name,i){var th=el('th',name);th.onclick=function(){asc=sortCol===i?!asc:true;sortCol=i;apply();};head.appendChild(th);});
function apply(){var q=filter.value.toLowerCase();
view=q?rows.filter(function(r){return r.join('\\u0001').toLowerCase().indexOf(q)>=0;}):rows.slice();
if(sortCol>=0)view.sort(function(a,b){return (a[sortCol]<b[sortCol]?-1:a[sortCol]>b[sortCol]?1:0)*(asc?1:-1);});
Array.prototype.forEach.call(head.children,function(th,i){th.className=i===sortCol?(asc?'asc':'desc'):'';});
page=0;render();}
function render(){body.textContent='';var start=page*PAGE;
view.slice(start,start+PAGE).forEach(function(r){var tr=el('tr');r.forEach(function(x){tr.appendChild(el('td',x));});body.appendChild(tr);});
pager.textContent='';var pages=Math.max(1,Math.ceil(view.length/PAGE));
var prev=el('button','previous'),next=el('button','next');prev.disabled=page===0;next.disabled=page>=pages-1;
prev.onclick=function(){page--;render();};next.onclick=function(){page++;render();};
pager.appendChild(prev);pager.appendChild(el('span','page '+(page+1)+' of '+pages+' ('+view.length+' rows)'));pager.appendChild(next);}
filter.oninput=apply;apply();})();`;

const texts = (values: readonly AttributeValue[], sign = ''): string =>
  values.map((v) => sign + valueToText(v)).join('; ');

function changeCells(c: PendingChange): [string, string] {
  if (c.change === 'update') return [texts(c.removed, '-'), texts(c.added, '+')];
  return [texts(c.oldValues), texts(c.newValues)];
}

/** The table rows of one object: one per attribute change, one for a delete. */
function htmlRows(row: PendingRow): string[][] {
  const i = row.identifiers;
  const lead = [row.kind, row.objectType, row.dn, row.newDn ?? '', i.userPrincipalName, i.displayName];
  if (row.changes.length === 0) return [[...lead, '', '', '', '', '', row.id]];
  return row.changes.map((c) => [...lead, c.attribute, c.change, ...changeCells(c), c.rule ?? '', row.id]);
}

/**
 * HTML: one self-contained page (inline CSS and script, no external URL, opens offline). Rows are
 * streamed into a `<script type="application/json">` block, escaped so that no markup can appear
 * (`<` `>` `&` as `\\u003c`...); counts per operation and per attribute follow in a second block;
 * the script renders them with `textContent` only, with a filter box, sortable columns and pages of
 * 200 rows. For an `update` of a multi-valued attribute, Old shows `-removed` and New `+added` values.
 */
export function htmlPendingRenderer(connector: string): PendingRenderer {
  let isFirst = true;
  return {
    start: () =>
      '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
      `<title>Pending exports: ${escapeHtml(connector)}</title><style>${STYLE}</style></head><body>` +
      `<h1>Pending exports: ${escapeHtml(connector)}</h1><div class="stats" id="summary"></div>` +
      '<p><input id="filter" type="search" placeholder="Filter rows" aria-label="Filter rows"></p>' +
      '<table id="rows"><thead><tr id="head"></tr></thead><tbody id="body"></tbody></table><div id="pager"></div>\n' +
      '<script type="application/json" id="data">[\n',
    row(row) {
      const parts = htmlRows(row).map((cells) => jsonForHtml(cells));
      const prefix = isFirst ? '' : ',\n';
      isFirst = false;
      return prefix + parts.join(',\n');
    },
    end: (stats: PendingStats) =>
      `\n]</script>\n<script type="application/json" id="stats">${jsonForHtml(stats)}</script>\n` +
      `<script>${SCRIPT}</script></body></html>\n`,
  };
}
