/**
 * A small, strict reader for the part of EDN (Clojure's data notation) that Jepsen histories use:
 * one operation map per line, such as `{:process 0, :type :invoke, :f :read, :value nil}`, and the
 * values in Jepsen's log lines (`nil`, `3`, `[3 0]`, `:timed-out`).
 *
 * The subset, all of it:
 * - `nil`, `true`, `false`;
 * - integers (`0`, `-12`; within JavaScript's safe range) and decimals (`1.5`, `-2.0e3`);
 * - strings in double quotes with the escapes `\"`, `\\`, `\n`, `\t`, `\r`;
 * - keywords (`:invoke`, `:timed-out`, `:jepsen/op`);
 * - vectors `[...]` and lists `(...)`, both read as arrays;
 * - maps `{...}` whose keys are keywords, each at most once;
 * - whitespace, commas (whitespace in EDN) and `;` comments to the end of the line.
 *
 * What it leaves out, refused with the column and what was found: sets `#{}`, tagged literals
 * (`#inst`, `#uuid`), characters (`\a`), symbols, ratios, big numbers (`1N`, `1.0M`) and
 * metadata. None appears in the histories this reads; a reader that guessed at them could read
 * a history wrongly without saying so. Nesting is limited to JSON_DEPTH_MAX levels.
 */
import { JSON_DEPTH_MAX } from '../format/json.js';

/** A keyword, kept apart from strings: `:read` and `"read"` are different values. */
export class Keyword {
  constructor(readonly name: string) {}
}

/** A map with keyword keys, in the order written. */
export class EdnMap {
  constructor(readonly entries: ReadonlyMap<string, Edn>) {}
}

export type Edn = null | boolean | number | string | Keyword | EdnMap | readonly Edn[];

/** What was wrong, and where on the line (1-based column). */
export class EdnError extends Error {
  override readonly name = 'EdnError';
  constructor(readonly column: number, message: string) {
    super(message);
  }
}

const DELIMITERS = new Set([' ', '\t', ',', '\r', '\n', '[', ']', '(', ')', '{', '}', '"', ';']);
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t',
  r: '\r' };
const INTEGER = /^[-+]?(0|[1-9][0-9]*)$/;
const DECIMAL = /^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;
const KEYWORD = /^:[A-Za-z*+!_?<>=.-][A-Za-z0-9*+!_?<>=.\-/#']*$/;

/** Reads every form on one line of text. Throws an EdnError naming the column. */
export function readForms(text: string): Edn[] {
  const reader = new Reader(text);
  const forms: Edn[] = [];
  for (reader.skip(); !reader.done(); reader.skip()) forms.push(reader.form(0));
  return forms;
}

class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  /** Skips whitespace, commas and a comment. */
  skip(): void {
    while (this.at < this.text.length) {
      const c = this.text[this.at] as string;
      if (c === ';') this.at = this.text.length;
      else if (c === ' ' || c === '\t' || c === ',' || c === '\r' || c === '\n') this.at++;
      else return;
    }
  }

  form(depth: number): Edn {
    const c = this.text[this.at] as string;
    if (c === '"') return this.string();
    if (c === '[' || c === '(' || c === '{') {
      if (depth >= JSON_DEPTH_MAX) {
        throw new EdnError(this.at + 1, `nests more than ${JSON_DEPTH_MAX} levels deep (a limit ` +
          'of the reader)');
      }
      const start = this.at + 1;
      const items = this.sequence(c === '[' ? ']' : c === '(' ? ')' : '}', depth);
      return c === '{' ? this.map(items, start) : items;
    }
    if (c === ']' || c === ')' || c === '}') {
      throw new EdnError(this.at + 1, `'${c}' closes nothing`);
    }
    if (c === '#') {
      throw new EdnError(this.at + 1, 'sets (#{...}) and tagged literals (#inst, #uuid) are ' +
        'not part of the EDN this reads');
    }
    return this.atom();
  }

  private sequence(close: string, depth: number): Edn[] {
    const open = this.at + 1;
    this.at++;
    const items: Edn[] = [];
    for (this.skip(); this.text[this.at] !== close; this.skip()) {
      if (this.done()) throw new EdnError(open, `'${this.text[open - 1]}' is never closed on ` +
        'this line');
      items.push(this.form(depth + 1));
    }
    this.at++;
    return items;
  }

  private map(items: Edn[], column: number): EdnMap {
    if (items.length % 2 !== 0) throw new EdnError(column, 'a map needs a value for every key');
    const entries = new Map<string, Edn>();
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i] as Edn;
      if (!(key instanceof Keyword)) {
        throw new EdnError(column, `map keys must be keywords here, got ${showEdn(key)}`);
      }
      if (entries.has(key.name)) throw new EdnError(column, `the key :${key.name} appears twice`);
      entries.set(key.name, items[i + 1] as Edn);
    }
    return new EdnMap(entries);
  }

  private string(): string {
    const open = this.at + 1;
    let out = '';
    for (this.at++; this.at < this.text.length; this.at++) {
      const c = this.text[this.at] as string;
      if (c === '"') {
        this.at++;
        return out;
      }
      if (c !== '\\') {
        out += c;
        continue;
      }
      const next = this.text[this.at + 1] ?? '';
      const e = ESCAPES[next];
      if (e === undefined) {
        throw new EdnError(this.at + 1, `unknown escape '\\${next}' (this reader knows ` +
          '\\" \\\\ \\n \\t \\r)');
      }
      out += e;
      this.at++;
    }
    throw new EdnError(open, 'the string is never closed on this line');
  }

  private atom(): Edn {
    const start = this.at;
    while (this.at < this.text.length && !DELIMITERS.has(this.text[this.at] as string)) this.at++;
    const token = this.text.slice(start, this.at);
    if (token === 'nil') return null;
    if (token === 'true' || token === 'false') return token === 'true';
    if (INTEGER.test(token)) {
      const n = Number(token);
      if (!Number.isSafeInteger(n)) {
        throw new EdnError(start + 1, `the integer ${token} is too large to be read exactly`);
      }
      return n;
    }
    if (DECIMAL.test(token)) {
      const n = Number(token);
      if (!Number.isFinite(n)) throw new EdnError(start + 1, `the number ${token} is out of range`);
      return n;
    }
    if (KEYWORD.test(token)) return new Keyword(token.slice(1));
    throw new EdnError(start + 1, `'${token.slice(0, 40)}' is not nil, true, false, a number, ` +
      'a string or a keyword (symbols, characters, ratios and big numbers are not read)');
  }
}

/** A value as EDN, short, for messages. */
export function showEdn(v: Edn, lengthMax = 60): string {
  const s = render(v, 4);
  return s.length > lengthMax ? `${s.slice(0, lengthMax - 3)}...` : s;
}

function render(v: Edn, depth: number): string {
  if (v === null) return 'nil';
  if (v instanceof Keyword) return `:${v.name}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (depth === 0) return '...';
  if (v instanceof EdnMap) {
    return `{${[...v.entries].map(([k, x]) => `:${k} ${render(x, depth - 1)}`).join(', ')}}`;
  }
  return `[${v.map((x) => render(x, depth - 1)).join(' ')}]`;
}

/**
 * An EDN value as plain JSON data for the models: vectors and lists become arrays, maps objects
 * keyed by keyword name; a keyword becomes `{"keyword": name}`, so that it can never pass for a
 * string.
 */
export function ednToJson(v: Edn): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Keyword) return { keyword: v.name };
  if (v instanceof EdnMap) {
    return Object.fromEntries([...v.entries].map(([k, x]) => [k, ednToJson(x)]));
  }
  return v.map(ednToJson);
}
