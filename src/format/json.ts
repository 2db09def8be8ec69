/**
 * JSON from outside, bounded: a limit on how deeply a parsed value may nest, and a short
 * rendering of any value for error messages. Both walk with an explicit stack or a depth cap,
 * never by unbounded recursion, so that a line of 5,000 nested brackets (10 KB, which
 * JSON.parse reads happily) is reported as bad input naming its field instead of overflowing the
 * call stack of whatever walks or prints it next (issue 7, section 6).
 *
 * What it leaves out: parsing (JSON.parse does that, iteratively, in V8) and schemas (the codecs
 * of trace.ts say what is valid; this only says what is too deep to look at).
 */

/**
 * No trace line or ITF value needs more: a trace event nests 3 deep, an ITF message about 6,
 * and a header's free-form `provenance` is documented as a small object.
 */
export const JSON_DEPTH_MAX = 64;

/** Paths name at most this many levels, then `...`: enough to say which field it is. */
const PATH_LEVELS = 4;

/**
 * The path (`provenance.build[0]...`, relative to the value, its first levels only) of the first
 * place that nests deeper than `depthMax` arrays and objects, or null when none does. Iterative:
 * safe on any depth.
 */
export function tooDeep(value: unknown, depthMax: number = JSON_DEPTH_MAX): string | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= depthMax) return path === '' ? '$' : path;
    const named = depth < PATH_LEVELS;
    const cut = depth === PATH_LEVELS ? `${path}...` : path;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: named
        ? `${path}[${i}]` : cut,
        depth: depth + 1 });
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        stack.push({ v: (v as Record<string, unknown>)[k], path: !named ? cut : path === ''
          ? k : `${path}.${k}`,
          depth: depth + 1 });
      }
    }
  }
  return null;
}

/** The message for a value that `tooDeep` found: what the reader prints after the field. */
export function tooDeepMessage(depthMax: number = JSON_DEPTH_MAX): string {
  return `nests arrays and objects more than ${depthMax} levels deep (a limit of the reader)`;
}

/**
 * A value as JSON for a message, cut to `lengthMax` characters: nesting below a few levels is
 * shown as `[...]`/`{...}`, and numbers JSON cannot write (1e400 parses as Infinity) are shown
 * as what they are rather than as JSON.stringify's `null`.
 */
export function showJson(v: unknown, lengthMax = 60): string {
  if (v === undefined) return 'nothing';
  const s = render(v, 4, lengthMax + 1);
  return s.length > lengthMax ? `${s.slice(0, lengthMax - 3)}...` : s;
}

function render(v: unknown, depth: number, budget: number): string {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? String(v) : `${String(v)} (a number out of range)`;
  }
  if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? String(v);
  const isArray = Array.isArray(v);
  if (depth === 0) return isArray ? '[...]' : '{...}';
  const parts: string[] = [];
  let used = 2;
  const keys = isArray ? null : Object.keys(v);
  const count = keys === null ? (v as unknown[]).length : keys.length;
  for (let i = 0; i < count && used <= budget; i++) {
    const k = keys === null ? null : keys[i] as string;
    const x = k === null ? (v as unknown[])[i] : (v as Record<string, unknown>)[k];
    const item = (k === null ? '' : `${JSON.stringify(k)}:`) + render(x, depth - 1, budget - used);
    parts.push(item);
    used += item.length + 1;
  }
  const body = parts.join(',') + (parts.length < count ? ',...' : '');
  return isArray ? `[${body}]` : `{${body}}`;
}
