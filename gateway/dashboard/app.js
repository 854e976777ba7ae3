// The Swarmex operator dashboard: one WebSocket (/ws) brings the exchange's state as JSON every
// 500 ms; this script draws it. Everything is built with textContent (never HTML from data).
'use strict';

const token = new URLSearchParams(location.search).get('token') || '';
// Out of the address bar and the history once read: the page keeps it for reconnecting.
history.replaceState(null, '', location.pathname);

const $ = (id) => document.getElementById(id);
const pools = new Map(); // name -> { el, charts }
const fmt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));
const time = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// Replaces a table's rows: `head` the column names, `rows` arrays of cells (a cell is text, or
// [text, class]).
function fill(table, head, rows) {
  table.replaceChildren();
  const tr = el('tr');
  for (const h of head) tr.append(el('th', '', h));
  table.append(tr);
  for (const row of rows) {
    const r = el('tr');
    for (const cell of row) {
      r.append(Array.isArray(cell) ? el('td', cell[1], cell[0]) : el('td', '', cell));
    }
    table.append(r);
  }
}

// A uPlot chart kept across updates; rebuilt when its series change.
function chart(holder, key, title, names, data) {
  const want = names.join('|');
  if (!holder.charts[key] || holder.charts[key].names !== want) {
    if (holder.charts[key]) holder.charts[key].plot.destroy();
    const colors = ['#5aa9e6', '#f4a259', '#9b8de0', '#7fc8a9', '#e06c6c', '#d8dee9'];
    const opts = {
      title,
      width: 460,
      height: 200,
      scales: { x: { time: true } },
      axes: [{ stroke: '#8a94a6' }, { stroke: '#8a94a6', size: 70 }],
      series: [{}].concat(names.map((n, i) => ({ label: n, stroke: colors[i % colors.length], spanGaps: true }))),
    };
    const box = el('div', 'chart');
    holder.chartsEl.append(box);
    holder.charts[key] = { names: want, plot: new uPlot(opts, data, box), box };
  } else {
    holder.charts[key].plot.setData(data);
  }
}

function poolSection(name) {
  let p = pools.get(name);
  if (p) return p;
  const root = el('section', 'card pool');
  root.dataset.pool = name;
  root.append(el('h3', '', name));
  const summary = el('div', 'note');
  const body = el('div', 'pool-body');
  const ladders = el('div', 'ladders wide');
  const chartsEl = el('div', 'charts');
  const tapeBox = el('div', 'tape');
  const use = el('table');
  const tape = el('table');
  const side = el('div', 'side');
  tapeBox.append(tape);
  side.append(use, tapeBox);
  body.append(ladders, chartsEl, side);
  root.append(summary, body);
  $('pools').append(root);
  p = { root, summary, ladders, chartsEl, use, tape, charts: {} };
  pools.set(name, p);
  return p;
}

function ladder(i) {
  const box = el('div');
  box.append(el('h2', '', `${i.symbol} · last ${fmt(i.last_price || null)}`));
  const t = el('table');
  const rows = [];
  const depth = Math.max(i.bids.length, i.asks.length);
  for (let k = 0; k < depth; ++k) {
    const b = i.bids[k] || [];
    const a = i.asks[k] || [];
    rows.push([[fmt(b[1]), 'bid'], [fmt(b[0]), 'bid'], [fmt(a[0]), 'ask'], [fmt(a[1]), 'ask']]);
  }
  fill(t, ['bid qty', 'bid', 'ask', 'ask qty'], rows);
  box.append(t);
  return box;
}

function drawPool(pool) {
  const p = poolSection(pool.name);
  const traded = pool.instruments.reduce((n, i) => n + i.trades, 0);
  p.summary.textContent = `${pool.instruments.length} spot books · ${fmt(traded)} trades since start`;
  p.ladders.replaceChildren(...pool.instruments.map(ladder));
  fill(p.use, ['resource', 'capacity', 'sold', 'utilisation'], pool.use.map((u) => [
    u.resource, fmt(u.capacity), fmt(u.sold),
    u.capacity > 0 ? `${((100 * u.sold) / u.capacity).toFixed(1)} %` : '–',
  ]));
  fill(p.tape, ['time', 'book', 'side', 'price', 'qty'], pool.tape.map((t) => [
    time(t.time_ms), t.symbol, [t.side, t.side === 'buy' ? 'bid' : 'ask'], fmt(t.price), fmt(t.qty),
  ]));
  const h = pool.history;
  const x = h.time_ms.map((ms) => ms / 1000);
  const symbols = h.instruments.map((id) => (pool.instruments.find((i) => i.id === id) || { symbol: `#${id}` }).symbol);
  if (symbols.length) chart(p, 'price', 'last price', symbols, [x, ...h.last_price]);
  if (h.resources.length) {
    const pct = h.utilisation.map((s) => s.map((v) => (v === null ? null : v * 100)));
    chart(p, 'use', 'utilisation %', h.resources, [x, ...pct]);
  }
}

function drawOverview(s) {
  $('trade-count').textContent = fmt(s.trades);
  $('clock').textContent = time(s.time_ms);
  fill($('sessions'), ['role', 'sessions'], Object.entries(s.sessions).map(([r, n]) => [r, fmt(n)]));
  fill($('latency'), ['stage', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'], s.latency.map((l) => {
    const r = l.recent;
    return [l.stage.replaceAll('_', ' '), fmt(r.count), r.p50_us, r.p90_us, r.p99_us, r.p999_us, r.max_us];
  }));
  fill($('hosts'), ['host', 'id', 'sessions', 'enactments', 'failures', 'last fill', 'lag ms', 'max lag ms'],
    s.hosts.map((h) => [h.name, h.host_id, h.sessions ? [h.sessions, 'bid'] : ['offline', 'ask'],
      fmt(h.enactments), h.failures ? [fmt(h.failures), 'ask'] : '0', fmt(h.last_fill_seq), h.lag_ms, h.max_lag_ms]));
}

function drawForecasts(s) {
  $('forecast-note').hidden = s.forecasts.length > 0;
  fill($('forecast-table'), ['tenant', 'pool', 'resource', 'window', 'p50', 'p90', 'p99', 'units', 'actual'],
    s.forecasts.map((f) => [f.tenant, f.pool, f.resource, time(f.window_start_ms),
      f.p50.toFixed(2), f.p90.toFixed(2), f.p99.toFixed(2), fmt(f.units),
      f.actual === null ? '–' : f.actual.toFixed(2)]));
  const holder = drawForecasts.holder || (drawForecasts.holder = { chartsEl: $('forecast-charts'), charts: {} });
  for (const f of s.forecast_history) {
    const x = f.time_ms.map((ms) => ms / 1000);
    chart(holder, `${f.pool}/${f.resource}`, `${f.pool} ${f.resource}: forecast vs actual`,
      ['p50', 'p90', 'actual'], [x, f.p50, f.p90, f.actual]);
  }
}

function draw(s) {
  drawOverview(s);
  for (const pool of s.pools) drawPool(pool);
  drawForecasts(s);
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`);
  ws.onopen = () => { $('status').textContent = 'live'; $('status').className = 'status live'; };
  ws.onmessage = (m) => draw(JSON.parse(m.data));
  ws.onclose = () => {
    $('status').textContent = 'disconnected: retrying';
    $('status').className = 'status down';
    setTimeout(connect, 2000);
  };
}

// The first state over HTTP, then the WebSocket: a fetch, unlike a WebSocket message, holds a
// headless browser's virtual time until it arrives, so `chromium --dump-dom` shows every pool
// however slowly the server answers.
fetch(`/state?token=${encodeURIComponent(token)}`, { cache: 'no-store' })
  .then((r) => (r.ok ? r.json() : null))
  .then((s) => { if (s) draw(s); })
  .catch(() => {})
  .finally(connect);
