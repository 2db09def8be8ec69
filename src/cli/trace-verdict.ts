/**
 * What `synod trace check` prints: the text verdict (each rejection with its rule, explanation,
 * witness and an excerpt of the file), the JSON verdict (format "synod.trace/v1"), the excerpts
 * they show, and `--coverage` for v2 traces.
 *
 * Left out: checking (src/trace/run.ts) and reading the files (trace-check.ts, trace-input.ts).
 */
import { LineKeeper } from './files.js';
import { openChunks } from './trace-input.js';
import { isItfPath } from '../trace/itf-run.js';
import type { Rejection } from '../trace/judge.js';
import { COVERAGE_KEYS } from '../trace/multipaxos/checker.js';
import type { FileReport } from '../trace/run.js';

/** Characters of a line an excerpt shows. */
export const EXCERPT_CONTEXT = 240;

/** One file's verdict; for a pipe or stdin, with the last lines kept for the excerpt. */
export interface Result {
  readonly file: string;
  readonly report: FileReport;
  readonly kept: LineKeeper | null;
}

/** The excerpts' lines: file -> line number -> text. */
export type Excerpts = Map<string, Map<number, string>>;

/**
 * The text of the excerpt lines of each rejection: read again from a regular file (only up to
 * the last line needed), or what was kept while a pipe was read (it cannot be read again).
 */
export async function excerptsOf(results: readonly Result[]): Promise<Excerpts> {
  const out = new Map<string, Map<number, string>>();
  for (const { file, report, kept } of results) {
    const wanted = new Set<number>();
    for (const r of report.summary?.rejections ?? []) for (const l of r.excerpt) wanted.add(l);
    if (wanted.size === 0 || isItfPath(file)) continue;
    out.set(file, kept !== null ? kept.kept : await readLines(file, wanted));
  }
  return out;
}

async function readLines(file: string, wanted: ReadonlySet<number>): Promise<Map<number, string>> {
  const last = Math.max(...wanted);
  const keeper = new LineKeeper((l) => wanted.has(l), EXCERPT_CONTEXT);
  try {
    for await (const chunk of openChunks(file)) {
      keeper.feed(chunk);
      if (keeper.lines >= last) return keeper.kept;
    }
  } catch {
    // The file changed or vanished since it was checked: show what was read.
  }
  keeper.end();
  return keeper.kept;
}

/**
 * `--coverage`: each spec action, enabling condition, event kind and refusal of the v2 checker,
 * with how often the traces exercised it, summed over the files (zeros listed: never reached).
 */
export function coverageOf(results: readonly Result[]): { files: number; counts: Record<string,
  number> } {
  const counts: Record<string, number> = Object.fromEntries(COVERAGE_KEYS.map((k) => [k, 0]));
  let files = 0;
  for (const { report } of results) {
    const c = report.multipaxos?.coverage ?? null;
    if (c === null) continue;
    files++;
    for (const [k, n] of Object.entries(c)) counts[k] = (counts[k] ?? 0) + n;
  }
  return { files, counts };
}

export function coverageText(c: { files: number; counts: Record<string, number> }): string {
  const rows = Object.entries(c.counts);
  const width = Math.max(...rows.map(([k]) => k.length));
  const never = rows.filter(([, n]) => n === 0).length;
  return `coverage over ${c.files} v2 trace${c.files === 1 ? '' : 's'} (${never} of ` +
    `${rows.length} never exercised):\n${rows.map(([k, n]) => `  ${k.padEnd(width)}  ${n}` +
    `${n === 0 ? '   (never)' : ''}`).join('\n')}\n`;
}

export function textVerdict(results: readonly Result[], excerpts: Excerpts): string {
  const out: string[] = [];
  for (const { file, report } of results) {
    if (report.verdict === 'unreadable' && report.problem !== null) {
      const p = report.problem;
      out.push(`${file}:${p.line}: ${p.field === null ? '' : `${p.field}: `}${p.message}`);
      continue;
    }
    const s = report.summary;
    if (s === null) continue;
    const partial = report.partial === null ? ''
      : `, ${report.partial.inferred} hidden steps inferred, ${report.partial.choicePoints} ` +
        `ballots with a choice (up to ${report.partial.alternativesMax} alternatives), ` +
          `${report.partial.explored}/${report.partial.budget} budget used`;
    const mp = report.multipaxos ?? null;
    if (report.verdict === 'unknown') {
      out.push(`${file}: unknown: ${report.partial?.unknown ?? report.notes?.join('; ')
        ?? 'no verdict'}: ${s.events} events${partial}`);
      continue;
    }
    if (report.verdict === 'accepted' && mp !== null) {
      out.push(`${file}: accepted: ${mp.events} events, ${mp.steps} spec steps, ` +
        `${mp.slotsChosen} slots chosen, ${mp.applies} applies, ${mp.calls.length} client calls` +
        `${(report.notes ?? []).map((n) => `; ${n}`).join('')}`);
      continue;
    }
    if (report.verdict === 'accepted') {
      const chosen = s.chosen.length === 0 ? 'nothing chosen'
        : `chosen ${s.chosen.map((c) => `${c.value} (ballot ${c.ballotText ?? c.ballot}${c.line > 0
          ? `, line ${c.line}` : ''})`).join(', ')}`;
      out.push(`${file}: accepted: ${s.events} events, ${s.steps} spec steps, ${chosen}${partial}`);
      continue;
    }
    for (const r of s.rejections) {
      out.push(...rejectionText(file, r, excerpts.get(file)));
    }
    if (report.partial !== null) {
      out.push(`  last matched line: ${report.partial.lastMatchedLine}${partial}`);
      for (const c of report.partial.candidates) out.push(`  candidate state: ${c.conjunct}: ` +
        `${c.why}`);
    }
  }
  const count = (v: string): number => results.filter((r) => r.report.verdict === v).length;
  out.push(`${results.length} trace${results.length === 1 ? '' : 's'}: ${count('accepted')} ` +
    `accepted, ` +
    `${count('rejected')} rejected, ${count('unreadable')} unreadable` +
    `${count('unknown') > 0 ? `, ${count('unknown')} unknown` : ''}`);
  return `${out.join('\n')}\n`;
}

function rejectionText(file: string, r: Rejection, lines: Map<number,
  string> | undefined): string[] {
  const out = [`${file}:${r.line}: rejected: ${r.rule}`, `  ${r.explanation}`];
  if (r.action !== null) out.push(`  read as: ${r.action}${r.conjunct === null ? '' : `,
    which needs ${r.conjunct}`}`);
  else if (r.conjunct !== null) out.push(`  condition: ${r.conjunct}`);
  const w = r.witness;
  // The witness numbers ballots as the spec does; its legend names each back as logged.
  const logged = (b: number): string => w.ballots?.[String(b)] ?? String(b);
  const facts = [
    w.slot === undefined ? null : `slot ${w.slot}`,
    w.ballot === undefined ? null : `ballot ${logged(w.ballot)}`,
    w.value === undefined ? null : `value ${w.value}`,
    w.quorum === undefined ? null : `quorum {${w.quorum.join(', ')}}`,
    w.acceptor === undefined ? null : `acceptor ${w.acceptor}`,
  ].filter((x) => x !== null);
  if (facts.length > 0) out.push(`  witness: ${facts.join(', ')}`);
  for (const m of w.messages ?? []) out.push(`    line ${m.line}: ` +
    `${m.text.replace(/\b(bal|mbal) (\d+)\b/g, (_, word: string, b: string) =>
      `${word} ${logged(Number(b))}`)}`);
  if (r.breaks.length > 1) out.push(`  also breaks: ` +
    `${r.breaks.slice(1).map((b) => b.property).join(', ')}`);
  if (lines !== undefined && r.excerpt.length > 0) {
    out.push('  excerpt:');
    const width = String(Math.max(...r.excerpt)).length;
    for (const l of r.excerpt) out.push(`  ${l === r.line ? '>' : ' '} ` +
      `${String(l).padStart(width)} | ${lines.get(l) ?? ''}`);
  }
  return out;
}

export function jsonVerdict(results: readonly Result[], excerpts: Excerpts) {
  const count = (v: string): number => results.filter((r) => r.report.verdict === v).length;
  return {
    format: 'synod.trace/v1',
    files: results.map(({ file, report }) => ({
      file,
      verdict: report.verdict,
      ...(report.problem === null ? {} : { problem: report.problem }),
      ...(report.summary === null ? {} : {
        events: report.summary.events,
        steps: report.summary.steps,
        retransmissions: report.summary.retransmissions,
        messages: report.summary.messages,
        chosen: report.summary.chosen.map((c) => ({ value: loggedValue(c.value),
          ballot: loggedBallot(c.ballotText ?? String(c.ballot)), line: c.line })),
        rejections: report.summary.rejections.map((r) => ({
          ...r, excerpt: r.excerpt.map((l) => ({ line: l, text: excerpts.get(file)?.get(l)
            ?? null })),
        })),
      }),
      ...(report.partial === null ? {} : {
        partial: {
          inferred: report.partial.inferred, choicePoints: report.partial.choicePoints,
          alternativesMax: report.partial.alternativesMax, explored: report.partial.explored,
          budget: report.partial.budget, budgetExhausted: report.partial.budgetExhausted,
          ...(report.partial.unknown === null ? {} : { unknown: report.partial.unknown }),
          lastMatchedLine: report.partial.lastMatchedLine, candidates: report.partial.candidates,
        },
      }),
      ...(report.provenance === null ? {} : { provenance: report.provenance }),
      // Why a verdict is what it is when the summary cannot say (e.g. an exhausted memory budget).
      ...(report.notes === undefined || report.notes.length === 0 ? {} : { notes: report.notes }),
    })),
    summary: { files: results.length, accepted: count('accepted'), rejected: count('rejected'),
      unreadable: count('unreadable'), unknown: count('unknown') },
  };
}

/** A ballot as the trace logged it, as JSON: a number or a [round, "proposer"] pair. */
function loggedBallot(shown: string): unknown {
  if (shown === 'none') return null;
  const b = JSON.parse(shown) as unknown;
  // An ITF ballot beyond 2^53 stays its decimal text, which a JSON number would round.
  return typeof b === 'number' && !Number.isSafeInteger(b) ? shown : b;
}

/**
 * A chosen value as the trace logged it: the summary carries it as shown in messages (a string
 * quoted, `"B"`), which the JSON verdict must not quote a second time.
 */
function loggedValue(shown: string): string | number {
  try {
    const v = JSON.parse(shown) as unknown;
    if (typeof v === 'string' || typeof v === 'number') return v;
  } catch {
    // Not a shown value: keep the text as it is.
  }
  return shown;
}
