/**
 * The browser side of a view: the script and style page.ts inlines into every page. It reads
 * the run from the page's JSON block and draws a space-time diagram: time runs down, one column
 * per lane, one row per event; messages are arrows from send to receive (a lost one ends in a
 * cross); client calls are bars with their linearization points. Only the rows in view (and a
 * margin) are in the DOM, redrawn on scroll, so a run of 100,000 events costs what fits on the
 * screen. Selecting a row shows the spec state after it (replayed from checkpoints every 1,024
 * events) and what it changed; the violation, when there is one, is where the page opens.
 *
 * It is plain ES2020 in a string (no template literals inside, so nothing is interpolated by
 * TypeScript), with no network access and no dependencies. Keys: j/ArrowDown next, k/ArrowUp
 * previous, PageDown/PageUp 20 rows, Home/End, v the violation.
 *
 * Left out: zoom and panning sideways; lanes are a fixed width and the page scrolls.
 */

export const PAGE_STYLE = String.raw`
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.35 system-ui, sans-serif; color: #1d2330; background: #fbfbfd;
  display: flex; flex-direction: column; height: 100vh; }
header { padding: 8px 12px; border-bottom: 1px solid #d5d8e0; background: #fff; }
header h1 { font-size: 15px; margin: 0 0 2px 0; }
#verdict { color: #404656; }
#violation { margin-top: 6px; padding: 6px 10px; border-left: 4px solid #c62828;
  background: #fdecec; }
#violation .rule { font-weight: 600; color: #b71c1c; }
#violation ul { margin: 4px 0 0 0; padding-left: 18px; color: #5b2222; }
#toolbar { padding: 4px 12px; border-bottom: 1px solid #d5d8e0; background: #f3f4f8;
  display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; }
#toolbar label { white-space: nowrap; }
#toolbar .keys { color: #6b7080; }
main { flex: 1; display: flex; min-height: 0; }
#scroll { flex: 1; overflow: auto; position: relative; outline: none; }
#heads { position: sticky; top: 0; z-index: 3; height: 24px; background: #fff;
  border-bottom: 1px solid #d5d8e0; }
#heads div { position: absolute; top: 3px; text-align: center; font-weight: 600;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#heads div.client { color: #6a3d9a; }
#heads div.witness { color: #fff; background: #c62828; border-radius: 3px; }
#canvas { position: relative; }
#overlay { position: absolute; left: 0; pointer-events: none; z-index: 2; }
.row { position: absolute; left: 0; right: 0; height: 20px; white-space: nowrap;
  cursor: pointer; border-bottom: 1px solid #f0f1f5; }
.row:hover { background: #eef3ff; }
.row.witness { background: #fff3cd; }
.row.violation { background: #ffd6d6; }
.row.sel { background: #cfe0ff; }
.row .num { position: absolute; left: 4px; top: 2px; color: #8a8fa0; font-size: 11px; }
.row .lbl { position: absolute; top: 2px; font-family: ui-monospace, monospace; font-size: 12px; }
aside { width: 380px; border-left: 1px solid #d5d8e0; background: #fff; overflow: auto;
  padding: 8px 12px; }
aside h2 { font-size: 13px; margin: 10px 0 4px 0; }
aside table { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 12px; }
aside td, aside th { border: 1px solid #e0e2ea; padding: 2px 6px; text-align: left; }
aside td.changed { background: #fff1a8; font-weight: 600; }
aside .muted { color: #7a7f90; }
aside ul { margin: 2px 0; padding-left: 18px; }
`;

export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var ROW = 20, LANE_W = 92, GUTTER = 74, OVERSCAN = 30, CHECK_EVERY = 1024;
  var KINDS = JSON.parse(document.getElementById('kinds').textContent);
  var run = JSON.parse(document.getElementById('run').textContent);
  var events = run.events, n = events.length;
  var laneOn = run.lanes.map(function () { return true; });
  var slotFilter = null, rows = [], rowOf = new Int32Array(n), selected = -1;
  var laneX = [];
  var witnessEvents = {}, witnessLanes = {}, witnessMsgs = {};
  var v = run.violation;
  if (v) {
    v.events.forEach(function (e) { witnessEvents[e] = true; });
    v.lanes.forEach(function (l) { witnessLanes[l] = true; });
    v.messages.forEach(function (m) { witnessMsgs[m] = true; });
  }
  var opsAt = {};
  run.ops.forEach(function (o, i) {
    (opsAt[o[1]] = opsAt[o[1]] || []).push(i);
    if (o[2] >= 0) (opsAt[o[2]] = opsAt[o[2]] || []).push(i);
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  // ---- state: checkpoints of the cells' texts every CHECK_EVERY events ----
  var checkpoints = [];
  (function () {
    var texts = run.cells.map(function (c) { return c[3]; });
    for (var i = 0; i < n; i++) {
      if (i % CHECK_EVERY === 0) checkpoints.push(texts.slice());
      var ch = events[i][5];
      for (var j = 0; j < ch.length; j++) texts[ch[j][0]] = ch[j][1];
    }
  })();
  function stateAfter(step) {
    if (step < 0 || n === 0) return run.cells.map(function (c) { return c[3]; });
    var k = Math.floor(step / CHECK_EVERY), texts = checkpoints[k].slice();
    for (var i = k * CHECK_EVERY; i <= step; i++) {
      var ch = events[i][5];
      for (var j = 0; j < ch.length; j++) texts[ch[j][0]] = ch[j][1];
    }
    return texts;
  }

  // ---- layout and filters ----
  function layout() {
    var x = GUTTER;
    laneX = run.lanes.map(function (l, i) {
      if (!laneOn[i]) return -1;
      var at = x + LANE_W / 2;
      x += LANE_W;
      return at;
    });
    rows = [];
    for (var i = 0; i < n; i++) {
      var e = events[i];
      var show = laneOn[e[0]] && (slotFilter === null || e[4] === slotFilter);
      rowOf[i] = show ? rows.length : -1;
      if (show) rows.push(i);
    }
    var width = x + 620;
    document.getElementById('canvas').style.height = (rows.length * ROW) + 'px';
    document.getElementById('canvas').style.width = width + 'px';
    var heads = document.getElementById('heads');
    heads.style.width = width + 'px';
    heads.textContent = '';
    run.lanes.forEach(function (l, i) {
      if (laneX[i] < 0) return;
      var h = el('div', l[1] + (witnessLanes[i] ? ' witness' : ''), l[0]);
      h.style.left = (laneX[i] - LANE_W / 2 + 4) + 'px';
      h.style.width = (LANE_W - 8) + 'px';
      h.title = l[1] + ' ' + l[0];
      h.setAttribute('data-lane', String(i));
      heads.appendChild(h);
    });
    labelX = x + 10;
    draw();
  }
  var labelX = 0;

  // ---- drawing the rows in view ----
  var scroller, drawQueued = false;
  function queueDraw() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(function () { drawQueued = false; draw(); });
  }
  function rowY(r, first) { return (r - first) * ROW + ROW / 2; }

  function draw() {
    var top = scroller.scrollTop, height = scroller.clientHeight || 800;
    var first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    var last = Math.min(rows.length - 1, Math.ceil((top + height) / ROW) + OVERSCAN);
    var box = document.getElementById('rows');
    box.textContent = '';
    var overlay = document.getElementById('overlay');
    overlay.textContent = '';
    var h = Math.max(0, (last - first + 1) * ROW);
    overlay.setAttribute('height', String(h));
    overlay.setAttribute('width', String(labelX));
    overlay.style.top = (first * ROW) + 'px';
    run.lanes.forEach(function (l, i) {
      if (laneX[i] < 0) return;
      overlay.appendChild(svg('line', { x1: laneX[i], x2: laneX[i], y1: 0, y2: h,
        stroke: witnessLanes[i] ? '#e57373' : '#d5d8e0', 'stroke-width': witnessLanes[i] ? 2 : 1 }));
    });
    for (var r = first; r <= last; r++) drawRow(box, overlay, r, first);
    drawBars(overlay, first, last);
    drawArrows(overlay, first, last);
  }

  function drawRow(box, overlay, r, first) {
    var i = rows[r], e = events[i];
    var cls = 'row';
    if (witnessEvents[i]) cls += ' witness';
    if (v && v.event === i) cls += ' violation';
    if (i === selected) cls += ' sel';
    var d = el('div', cls);
    d.style.top = (r * ROW) + 'px';
    d.setAttribute('data-event', String(i));
    d.appendChild(el('span', 'num', '#' + i + (e[3] > 0 ? ' L' + e[3] : '')));
    var lbl = el('span', 'lbl', run.lanes[e[0]][0] + ': ' + e[2]);
    lbl.style.left = labelX + 'px';
    d.appendChild(lbl);
    box.appendChild(d);
    mark(overlay, KINDS[e[1]], laneX[e[0]], rowY(r, first), witnessEvents[i]);
  }

  var COLORS = { send: '#1e63c6', recv: '#2e7d32', persist: '#7b1fa2', crash: '#c62828',
    restart: '#ef6c00', learn: '#b8860b', commit: '#00838f', apply: '#00897b',
    invoke: '#6a3d9a', 'return': '#6a3d9a', timer: '#8d6e63', fault: '#c62828', note: '#607d8b' };
  function mark(overlay, kind, x, y, hot) {
    var c = COLORS[kind] || '#555', s = hot ? 6 : 4.5;
    var stroke = hot ? '#c62828' : '#fff';
    if (kind === 'crash' || kind === 'fault') {
      overlay.appendChild(svg('path', { d: 'M' + (x - s) + ' ' + (y - s) + 'L' + (x + s) + ' ' +
        (y + s) + 'M' + (x + s) + ' ' + (y - s) + 'L' + (x - s) + ' ' + (y + s),
        stroke: c, 'stroke-width': 2.5 }));
    } else if (kind === 'persist' || kind === 'apply') {
      overlay.appendChild(svg('rect', { x: x - s, y: y - s, width: 2 * s, height: 2 * s, fill: c,
        stroke: stroke }));
    } else if (kind === 'learn' || kind === 'commit' || kind === 'restart') {
      overlay.appendChild(svg('path', { d: 'M' + x + ' ' + (y - s - 1) + 'L' + (x + s + 1) + ' ' +
        y + 'L' + x + ' ' + (y + s + 1) + 'L' + (x - s - 1) + ' ' + y + 'Z', fill: c,
        stroke: stroke }));
    } else {
      overlay.appendChild(svg('circle', { cx: x, cy: y, r: s, fill: c, stroke: stroke }));
    }
  }

  function drawArrows(overlay, first, last) {
    var msgs = run.messages;
    for (var m = 0; m < msgs.length; m++) {
      var s = rowOf[msgs[m][0]];
      if (s < 0 || s > last) continue;
      var hot = witnessMsgs[m] === true;
      var x1 = laneX[events[msgs[m][0]][0]];
      if (msgs[m][1] >= 0) {
        var t = rowOf[msgs[m][1]];
        if (t < 0 || Math.max(s, t) < first) continue;
        var x2 = laneX[events[msgs[m][1]][0]];
        if (x2 < 0) continue;
        arrow(overlay, x1, rowY(s, first), x2, rowY(t, first), hot, false);
      } else {
        if (s < first) continue;
        var to = msgs[m][2] >= 0 ? laneX[msgs[m][2]] : -1;
        var xe = to >= 0 && to !== x1 ? x1 + (to - x1) * 0.45 : x1 + LANE_W * 0.4;
        arrow(overlay, x1, rowY(s, first), xe, rowY(s, first) + ROW * 0.9, hot, run.receives);
      }
    }
  }

  function arrow(overlay, x1, y1, x2, y2, hot, lost) {
    var color = hot ? '#c62828' : (lost ? '#9e9e9e' : '#5c7cba');
    overlay.appendChild(svg('line', { x1: x1, y1: y1, x2: x2, y2: y2, stroke: color,
      'stroke-width': hot ? 2.5 : 1.2, 'stroke-dasharray': lost ? '4 3' : '',
      'class': hot ? 'msg witness' : (lost ? 'msg lost' : 'msg') }));
    if (lost) {
      overlay.appendChild(svg('path', { d: 'M' + (x2 - 4) + ' ' + (y2 - 4) + 'L' + (x2 + 4) + ' ' +
        (y2 + 4) + 'M' + (x2 + 4) + ' ' + (y2 - 4) + 'L' + (x2 - 4) + ' ' + (y2 + 4),
        stroke: '#c62828', 'stroke-width': 1.8 }));
      return;
    }
    var a = Math.atan2(y2 - y1, x2 - x1), L = 7;
    overlay.appendChild(svg('path', { d: 'M' + x2 + ' ' + y2 + 'L' +
      (x2 - L * Math.cos(a - 0.4)) + ' ' + (y2 - L * Math.sin(a - 0.4)) + 'L' +
      (x2 - L * Math.cos(a + 0.4)) + ' ' + (y2 - L * Math.sin(a + 0.4)) + 'Z', fill: color }));
  }

  var OP_COLORS = { linearized: '#43a047', unplaced: '#c62828', unchecked: '#9e9e9e' };
  function drawBars(overlay, first, last) {
    run.ops.forEach(function (o) {
      var x = laneX[o[0]];
      var a = rowOf[o[1]], b = o[2] >= 0 ? rowOf[o[2]] : rows.length;
      if (x < 0 || a < 0 || b < 0 || a > last || b < first) return;
      var y1 = rowY(Math.max(a, first - 1), first), y2 = rowY(Math.min(b, last + 1), first);
      overlay.appendChild(svg('rect', { x: x + 7, y: y1, width: 6, height: Math.max(2, y2 - y1),
        fill: OP_COLORS[o[4]], opacity: 0.75, 'class': 'op ' + o[4] }));
      if (o[5] >= 0) {
        var e = Math.floor(o[5]), r = rowOf[e];
        if (r >= 0 && r >= first && r <= last) {
          var y = rowY(r, first) + (o[5] - e) * ROW;
          overlay.appendChild(svg('path', { d: 'M' + (x + 4) + ' ' + y + 'L' + (x + 10) + ' ' +
            (y - 4) + 'L' + (x + 16) + ' ' + y + 'L' + (x + 10) + ' ' + (y + 4) + 'Z',
            fill: '#1b5e20', 'class': 'point' }));
        }
      }
    });
  }

  // ---- the state panel ----
  function cellName(c) {
    return (c[0] === null ? 'chosen' : c[0]) + (c[1] === null ? '' : '[' + c[1] + ']') +
      (c[0] === null ? '' : '.' + c[2]);
  }
  function panel() {
    var p = document.getElementById('state');
    p.textContent = '';
    var e = selected >= 0 ? events[selected] : null;
    p.appendChild(el('h2', '', e ? 'Step #' + selected + ' of ' + n +
      (e[3] > 0 ? ', line ' + e[3] : '') : 'Initial state'));
    if (e) p.appendChild(el('div', 'what', run.lanes[e[0]][0] + ': ' + e[2]));
    var texts = stateAfter(selected), changed = {};
    if (e) e[5].forEach(function (c) { changed[c[0]] = true; });
    if (run.cells.length > 0) stateTables(p, texts, changed, e);
    var ch = el('div', 'changes');
    ch.appendChild(el('h2', '', 'What changed'));
    var before = e ? stateAfter(selected - 1) : texts;
    var list = el('ul');
    if (e) e[5].forEach(function (c) {
      list.appendChild(el('li', '', cellName(run.cells[c[0]]) + ': ' + before[c[0]] + ' \u2192 ' +
        c[1]));
    });
    if (!list.firstChild) ch.appendChild(el('div', 'muted', 'no spec variable changed'));
    else ch.appendChild(list);
    p.appendChild(ch);
    var calls = opsAt[selected] || [];
    if (calls.length > 0) {
      p.appendChild(el('h2', '', 'Client call'));
      calls.forEach(function (k) {
        var o = run.ops[k];
        p.appendChild(el('div', 'call ' + o[4], o[3] + ' (' + o[4] + ')'));
      });
    }
    if (v && (v.event === selected || witnessEvents[selected])) {
      p.appendChild(el('h2', '', v.event === selected ? 'Violation here: ' + v.rule
        : 'Part of the witness of ' + v.rule));
    }
  }

  function stateTables(p, texts, changed, e) {
    var t = el('table', 'acceptors'), head = el('tr');
    ['acceptor', 'maxBal', 'maxVBal', 'maxVal'].forEach(function (h) { head.appendChild(el('th', '', h)); });
    var slot = slotFilter !== null ? slotFilter : (e && e[4] !== null ? e[4] : null);
    if (run.slotted) head.firstChild.textContent = 'acceptor [slot ' + (slot === null ? '-' : slot) + ']';
    t.appendChild(head);
    var byAcc = {}, order = [], chosen = [];
    run.cells.forEach(function (c, i) {
      if (c[2] === 'chosen') { chosen.push(i); return; }
      if (!(c[0] in byAcc)) { byAcc[c[0]] = {}; order.push(c[0]); }
      if (c[1] === null || c[1] === slot) byAcc[c[0]][c[2]] = i;
    });
    order.forEach(function (a) {
      var tr = el('tr');
      tr.appendChild(el('td', '', a));
      ['maxBal', 'maxVBal', 'maxVal'].forEach(function (f) {
        var i = byAcc[a][f];
        var td = el('td', i !== undefined && changed[i] ? 'changed' : '',
          i === undefined ? (f === 'maxVal' ? 'None' : '-1') : texts[i]);
        td.setAttribute('data-cell', a + '.' + f);
        tr.appendChild(td);
      });
      t.appendChild(tr);
    });
    p.appendChild(t);
    p.appendChild(el('h2', '', 'Chosen'));
    var ul = el('ul', 'chosen');
    chosen.forEach(function (i) {
      var c = run.cells[i];
      if (run.slotted && texts[i] === c[3]) return;
      ul.appendChild(el('li', changed[i] ? 'changed' : '', (c[1] === null ? '' : 'slot ' + c[1] +
        ': ') + texts[i]));
    });
    if (!ul.firstChild) ul.appendChild(el('li', 'muted', 'nothing'));
    p.appendChild(ul);
  }

  // ---- selection and keys ----
  function select(i, scroll) {
    selected = i;
    panel();
    if (scroll && rowOf[i] >= 0) {
      var y = rowOf[i] * ROW, top = scroller.scrollTop, h = scroller.clientHeight;
      if (y < top || y + ROW > top + h) scroller.scrollTop = Math.max(0, y - h / 3);
    }
    draw();
  }
  function step(delta) {
    var r = selected >= 0 && rowOf[selected] >= 0 ? rowOf[selected] + delta : (delta > 0 ? 0 : rows.length - 1);
    r = Math.max(0, Math.min(rows.length - 1, r));
    if (rows.length > 0) select(rows[r], true);
  }

  function toolbar() {
    var bar = document.getElementById('toolbar');
    run.lanes.forEach(function (l, i) {
      var lab = el('label'), box = el('input');
      box.type = 'checkbox';
      box.checked = true;
      box.setAttribute('data-lane', String(i));
      box.addEventListener('change', function () { laneOn[i] = box.checked; layout(); });
      lab.appendChild(box);
      lab.appendChild(document.createTextNode(' ' + l[0]));
      bar.appendChild(lab);
    });
    if (run.slotted) {
      var lab = el('label', '', 'slot '), inp = el('input');
      inp.id = 'slot';
      inp.size = 5;
      inp.placeholder = 'all';
      inp.addEventListener('input', function () {
        var s = inp.value.trim();
        slotFilter = /^\d+$/.test(s) ? Number(s) : null;
        layout();
        panel();
      });
      lab.appendChild(inp);
      bar.appendChild(lab);
    }
    bar.appendChild(el('span', 'keys', 'keys: j/k or \u2193/\u2191 step, PgUp/PgDn, Home/End' +
      (v ? ', v violation' : '')));
  }

  document.addEventListener('keydown', function (ev) {
    if (ev.target && ev.target.tagName === 'INPUT') return;
    var k = ev.key;
    if (k === 'ArrowDown' || k === 'j') step(1);
    else if (k === 'ArrowUp' || k === 'k') step(-1);
    else if (k === 'PageDown') step(20);
    else if (k === 'PageUp') step(-20);
    else if (k === 'Home') step(-rows.length);
    else if (k === 'End') step(rows.length);
    else if (k === 'v' && v) select(v.event, true);
    else return;
    ev.preventDefault();
  });

  scroller = document.getElementById('scroll');
  scroller.addEventListener('scroll', queueDraw);
  window.addEventListener('resize', queueDraw);
  document.getElementById('rows').addEventListener('click', function (ev) {
    var t = ev.target.closest ? ev.target.closest('.row') : null;
    if (t) select(Number(t.getAttribute('data-event')), false);
  });
  var go = document.getElementById('goto-violation');
  if (go) go.addEventListener('click', function () { select(v.event, true); });
  toolbar();
  layout();
  if (v) select(v.event, true);
  else panel();
  document.body.setAttribute('data-ready', 'true');
})();
`;
