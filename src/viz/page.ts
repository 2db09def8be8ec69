/**
 * One self-contained HTML page for a Run: the style and script of page-script.ts inline, the run
 * itself as a JSON block (events and messages as arrays, not objects, so 100,000 events stay a
 * few megabytes), the header with the verdict and, when there is one, the violation in the
 * checker's words. No network access and no external assets: the file is the whole view.
 *
 * Left out: drawing (the browser script does it from the data), and any judgement of the run.
 */
import { EVENT_KINDS, type Run } from './model.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './page-script.js';

/** Text for HTML: the five characters that could open markup or close an attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> block: no `<` (so no `</script>`), no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The run as the page reads it: lanes, events, messages, ops and cells as arrays. */
export function pageData(run: Run): unknown {
  const kind = new Map(EVENT_KINDS.map((k, i) => [k, i]));
  return {
    kind: run.kind, title: run.title, verdict: run.verdict, slotted: run.slotted,
    receives: run.receives,
    lanes: run.lanes.map((l) => [l.name, l.kind]),
    events: run.events.map((e) => [e.lane, kind.get(e.kind), e.label, e.line, e.slot,
      e.changes]),
    messages: run.messages.map((m) => [m.send, m.recv ?? -1, m.to ?? -1]),
    ops: run.ops.map((o) => [o.lane, o.invoke, o.ret ?? -1, o.label, o.status, o.point ?? -1]),
    cells: run.cells.map((c) => [c.acceptor, c.slot, c.field, c.initial]),
    violation: run.violation,
  };
}

function violationHtml(run: Run): string {
  const v = run.violation;
  if (v === null) return '';
  const details = v.details.map((d) => `<li>${escapeHtml(d)}</li>`).join('');
  return `<div id="violation"><span class="rule">${escapeHtml(v.rule)}</span>: ` +
    `${escapeHtml(v.explanation)} <button id="goto-violation" type="button">go to it (v)` +
    `</button>${details === '' ? '' : `<ul>${details}</ul>`}</div>`;
}

/** The page: one HTML document, everything inline. */
export function renderPage(run: Run): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(run.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(run.title)}</h1>
<div id="verdict">${escapeHtml(run.verdict)} &middot; ${run.events.length} events, ` +
`${run.messages.length} messages, ${run.ops.length} client calls</div>
${violationHtml(run)}
</header>
<div id="toolbar"></div>
<main>
<div id="scroll" tabindex="0"><div id="heads"></div><div id="canvas"><div id="rows"></div>` +
`<svg id="overlay" xmlns="http://www.w3.org/2000/svg"></svg></div></div>
<aside id="state"></aside>
</main>
<script type="application/json" id="kinds">${scriptJson(EVENT_KINDS)}</script>
<script type="application/json" id="run">${scriptJson(pageData(run))}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
