/**
 * DESIGN.md's layers, held by the imports themselves: every import, re-export and dynamic
 * import of every .ts file under spec/ and src/ is read, and each arrow between two of our
 * folders must be one the design allows:
 *
 *     cli -> {net, viz, sim, trace, checker, history} -> {format, paxos, multipaxos, spec}
 *
 * `format` and `spec` import nothing of ours; folders of one layer do not import each other
 * (but multipaxos builds on paxos, see ALLOWED); `paxos` and `multipaxos` never import `spec`
 * (so the spec judges them independently). A folder may import itself, and anything outside the
 * tree (node:, npm packages) is not our business here. The same files are held to lines of at
 * most 100 columns (STYLE.md).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');

/** The layers, top to bottom. An arrow may only point to a strictly lower layer. */
const LAYERS: readonly (readonly string[])[] = [
  ['src/cli'],
  ['src/net', 'src/viz', 'src/sim', 'src/trace', 'src/checker', 'src/history'],
  ['src/format', 'src/paxos', 'src/multipaxos', 'spec'],
];
/** Lower-layer folders that import nothing of ours at all, or not the named ones. */
const IMPORTS_NOTHING = new Set(['src/format', 'spec']);
const NEVER: Readonly<Record<string, readonly string[]>> = {
  'src/paxos': ['spec'], 'src/multipaxos': ['spec'],
};
/**
 * Same-layer arrows the design makes on purpose, each with its reason. Only one: DESIGN.md says
 * Multi-Paxos "extends the same algorithm", and src/paxos/ballot.ts that Multi-Paxos reuses its
 * ballots unchanged; so the Multi-Paxos reducer is built on the single-decree one (ballots,
 * assertions, the proposer's round logic), never the other way round.
 */
const ALLOWED: readonly (readonly [string, string])[] = [['src/multipaxos', 'src/paxos']];

/** The layer index of a folder, or -1 when DESIGN.md does not name it. */
function layerOf(folder: string): number {
  return LAYERS.findIndex((l) => l.includes(folder));
}

/** Why the arrow from -> to breaks the design, or null when it is allowed. */
function arrowProblem(from: string, to: string): string | null {
  if (from === to || ALLOWED.some(([f, t]) => f === from && t === to)) return null;
  const [lf, lt] = [layerOf(from), layerOf(to)];
  if (lf < 0) return `${from} is no folder of DESIGN.md's layers`;
  if (lt < 0) return `${to} is no folder of DESIGN.md's layers`;
  if (IMPORTS_NOTHING.has(from)) return `${from} imports nothing of ours`;
  if (NEVER[from]?.includes(to)) return `${from} never imports ${to}`;
  if (lt === lf) return `${from} and ${to} are one layer: they share through a lower one`;
  if (lt < lf) return `${from} is below ${to}: arrows only point down`;
  return null;
}

/** The folder of a repository path: src/<name> or spec (null outside them). */
function folderOf(path: string): string | null {
  const parts = path.split('/');
  if (parts[0] === 'spec') return 'spec';
  if (parts[0] === 'src' && parts.length > 2) return `src/${parts[1]}`;
  return null;
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative specifiers a file imports: `import/export ... from`, bare and dynamic imports. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1]!);
  return found.filter((s) => s.startsWith('.'));
}

/** Every arrow between two folders, with the file and specifier that makes it. */
function arrows(): { from: string; to: string; where: string }[] {
  const result: { from: string; to: string; where: string }[] = [];
  for (const file of [...tsFiles('spec'), ...tsFiles('src')]) {
    const from = folderOf(file)!;
    for (const spec of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
      const target = relative(ROOT, normalize(join(ROOT, dirname(file), spec)));
      const to = folderOf(target) ?? target;
      result.push({ from, to, where: `${file}: '${spec}'` });
    }
  }
  return result;
}

describe("DESIGN.md's layers", () => {
  it('reads the imports of the tree, multi-line ones and re-exports included', () => {
    const all = arrows();
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((a) => a.from === 'src/cli' && a.to === 'src/sim')).toBe(true);
    expect(importsOf("import {\n  a,\n  b,\n} from '../x/y.js';\nexport * from './z.js';\n"
      + "const m = await import('../w.js');\nimport './side.js';\n"))
      .toEqual(['../x/y.js', './z.js', './side.js', '../w.js']);
  });

  it('holds for every import under spec/ and src/', () => {
    const broken = arrows().flatMap(({ from, to, where }) => {
      const problem = arrowProblem(from, to);
      return problem === null ? [] : [`${where}: ${problem}`];
    });
    expect(broken).toEqual([]);
  });

  it('refuses the arrows the design forbids', () => {
    expect(arrowProblem('src/sim', 'src/history')).toMatch(/one layer/);
    expect(arrowProblem('src/format', 'src/paxos')).toMatch(/imports nothing/);
    expect(arrowProblem('spec', 'src/paxos')).toMatch(/imports nothing/);
    expect(arrowProblem('src/paxos', 'spec')).toMatch(/never imports spec/);
    expect(arrowProblem('src/trace', 'src/cli')).toMatch(/only point down/);
    expect(arrowProblem('src/paxos', 'src/format')).toMatch(/one layer/);
    expect(arrowProblem('src/paxos', 'src/multipaxos')).toMatch(/one layer/);
    expect(arrowProblem('src/multipaxos', 'src/paxos')).toBeNull();
    expect(arrowProblem('src/cli', 'src/history')).toBeNull();
    expect(arrowProblem('src/checker', 'spec')).toBeNull();
    expect(arrowProblem('src/misc', 'spec')).toMatch(/no folder/);
  });
});

/** STYLE.md (TigerBeetle's rule): lines up to 100 columns, counted in UTF-16 code units. */
const COLUMNS_MAX = 100;

/** `file:line (n columns)` for each line of `text` longer than COLUMNS_MAX. */
function longLines(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) =>
    (line.length > COLUMNS_MAX ? [`${file}:${i + 1} (${line.length} columns)`] : []));
}

describe('lines within 100 columns', () => {
  it('finds a long line, and passes one of exactly 100 columns', () => {
    expect(longLines('x.ts', `${'a'.repeat(100)}\n${'b'.repeat(101)}`)).toEqual(
      ['x.ts:2 (101 columns)']);
  });

  it('holds for every .ts file under spec/ and src/', () => {
    const files = [...tsFiles('spec'), ...tsFiles('src')];
    expect(files.length).toBeGreaterThan(100);
    const long = files.flatMap((f) => longLines(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(long).toEqual([]);
  });
});
