/**
 * Regular expressions of targeting conditions, matched in bounded time.
 *
 * The patterns come from the configuration, but the text they are matched against comes from
 * visitors (page URLs, custom data, visitor codes), and JavaScript's backtracking engine can take
 * exponential time on some patterns: `(a+)+$` against thirty `a` and a `!` blocks the event loop
 * for seconds, `.*a.*b` against two thousand `a` for as long. The official SDK runs every pattern
 * natively; so do we, but only when the pattern's shape bounds the backtracking (no repetition
 * inside a repetition, at most one unbounded repetition followed by more of the pattern, few
 * other choices), and only on texts short enough for that bound (see {@link QUADRATIC_LIMIT}).
 * Every other pattern, and a long text, runs on a Thompson automaton (every possible path
 * followed at once, lookarounds as per-position tables): time linear in the text, and the same
 * answer as the native engine, which it asks about each single character. A pattern the
 * automaton cannot run (backreferences, `v`-flag classes, huge counted repetitions) and whose
 * shape is unsafe is refused with a TargetingError, like an invalid one.
 */
import { KameleoonException, TargetingError } from '../errors.ts';
import { userPattern, type UserRegExp } from './nativeRegex.ts';
import { END, MAX_CHOICES, Parser, START, WORD_EDGE, isLineTerminator, measure, type Node, type Shape } from './regexSyntax.ts';


/**
 * A native pattern with one unbounded repetition costs up to about n² steps on a text of n
 * characters (each start position times the repetition's backtracking): 3,000 characters cost a
 * few milliseconds; longer texts go to the automaton.
 */
const QUADRATIC_LIMIT = 3_000;
/** Instructions of an automaton, lookarounds included. */
const MAX_PROGRAM = 20_000;

/** A one-character piece of the pattern, asked to the native engine (ASCII answers cached). */
class Atom {
  /** 1 where the ASCII character of that code matches. */
  readonly ascii = new Uint8Array(128);
  readonly #sticky: RegExp;

  constructor(src: string, flags: string) {
    this.#sticky = new RegExp(src, `${flags}y`);
    for (let c = 0; c < 128; c++) this.ascii[c] = this.at(String.fromCharCode(c), 0, 1) ? 1 : 0;
  }

  /** Whether the character of `width` code units at `pos` matches (the native engine asked). */
  at(text: string, pos: number, width: number): boolean {
    this.#sticky.lastIndex = pos;
    return this.#sticky.test(text) && this.#sticky.lastIndex === pos + width;
  }

  /** Whether the character of `width` code units at `pos` matches. */
  matches(text: string, pos: number, width: number): boolean {
    const code = text.charCodeAt(pos);
    return code < 128 ? this.ascii[code] === 1 : this.at(text, pos, width);
  }
}

const ATOM = 0;
const SPLIT = 1;
const JUMP = 2;
const EDGE = 3;
const LOOK = 4;
const MATCH = 5;

/** A program of the automaton: instructions in parallel arrays. */
interface Program {
  op: number[];
  a: number[];
  b: number[];
}

/** A lookaround: its body's program, run backwards (lookahead) or forwards (lookbehind) once per text. */
interface Lookaround {
  program: Program;
  behind: boolean;
  negate: boolean;
}

class TooBig extends Error {}

/**
 * The pattern as a Thompson automaton: every path through the pattern is followed at once, so a
 * text of n characters costs at most n times the size of the program.
 */
class Automaton implements UserRegExp {
  readonly #atoms: Atom[] = [];
  readonly #atomIndex = new Map<string, number>();
  readonly #looks: Lookaround[] = [];
  readonly #main: Program;
  readonly #flags: string;
  readonly #unicode: boolean;
  readonly #multiline: boolean;
  readonly #sticky: boolean;
  readonly #word: Atom;
  #size = 0;
  #marks = new Int32Array(0);
  #stack = new Int32Array(0);
  #lists: [number[], number[]] = [[], []];
  #generation = 0;
  #tables: Uint8Array[] = [];
  #text = '';
  #matched = false;

  constructor(root: Node, flags: string) {
    this.#unicode = flags.includes('u');
    this.#multiline = flags.includes('m');
    this.#sticky = flags.includes('y');
    this.#flags = flags.replace(/[gymd]/g, '');
    this.#word = new Atom('\\w', this.#flags);
    this.#main = this.#program(root, false);
    const longest = Math.max(...[this.#main, ...this.#looks.map((l) => l.program)].map((p) => p.op.length));
    this.#marks = new Int32Array(longest);
    // Each instruction is pushed at most twice (by a SPLIT and as it is visited) per closure.
    this.#stack = new Int32Array(2 * longest + 2);
  }

  #program(root: Node, reverse: boolean): Program {
    const p: Program = { op: [], a: [], b: [] };
    this.#emit(p, root, reverse);
    this.#add(p, MATCH, 0, 0);
    return p;
  }

  #add(p: Program, op: number, a: number, b: number): number {
    if (++this.#size > MAX_PROGRAM) throw new TooBig();
    p.op.push(op);
    p.a.push(a);
    p.b.push(b);
    return p.op.length - 1;
  }

  #emit(p: Program, node: Node, reverse: boolean): void {
    switch (node.k) {
      case 'atom': {
        let index = this.#atomIndex.get(node.src);
        if (index === undefined) {
          index = this.#atoms.push(new Atom(node.src, this.#flags)) - 1;
          this.#atomIndex.set(node.src, index);
        }
        this.#add(p, ATOM, index, 0);
        return;
      }
      case 'seq':
        for (const item of reverse ? node.items.slice().reverse() : node.items) this.#emit(p, item, reverse);
        return;
      case 'alt': {
        const exits: number[] = [];
        node.items.forEach((item, i) => {
          const split = i < node.items.length - 1 ? this.#add(p, SPLIT, p.op.length + 1, 0) : -1;
          this.#emit(p, item, reverse);
          if (split >= 0) {
            exits.push(this.#add(p, JUMP, 0, 0));
            p.b[split] = p.op.length;
          }
        });
        for (const exit of exits) p.a[exit] = p.op.length;
        return;
      }
      case 'rep': {
        for (let i = 0; i < node.min; i++) this.#emit(p, node.body, reverse);
        if (node.max === Infinity) {
          const split = this.#add(p, SPLIT, p.op.length + 1, 0);
          this.#emit(p, node.body, reverse);
          this.#add(p, JUMP, split, 0);
          p.b[split] = p.op.length;
        } else {
          const splits: number[] = [];
          for (let i = node.min; i < node.max; i++) {
            splits.push(this.#add(p, SPLIT, p.op.length + 1, 0));
            this.#emit(p, node.body, reverse);
          }
          for (const split of splits) p.b[split] = p.op.length;
        }
        return;
      }
      case 'edge':
        this.#add(p, EDGE, node.kind, 0);
        return;
      case 'look': {
        // A lookahead holds where its body matches a text that starts there: found by running the
        // reversed body backwards from every position; a lookbehind, by running it forwards.
        // Its own lookarounds are listed first, so that their tables are ready before its own.
        const program = this.#program(node.body, !node.behind);
        const index = this.#looks.push({ program, behind: node.behind, negate: node.negate }) - 1;
        this.#add(p, LOOK, index, 0);
        return;
      }
      case 'backref':
        throw new TooBig();
    }
  }

  #isWord(pos: number): boolean {
    return pos >= 0 && pos < this.#text.length && this.#word.matches(this.#text, pos, 1);
  }

  #edge(kind: number, pos: number): boolean {
    const text = this.#text;
    switch (kind) {
      case START:
        return pos === 0 || (this.#multiline && isLineTerminator(text.charCodeAt(pos - 1)));
      case END:
        return pos === text.length || (this.#multiline && isLineTerminator(text.charCodeAt(pos)));
      case WORD_EDGE:
        return this.#isWord(pos - 1) !== this.#isWord(pos);
      default:
        return this.#isWord(pos - 1) === this.#isWord(pos);
    }
  }

  /** Adds the instructions reachable from `pc` without reading (at `pos`) to `list`. */
  #close(p: Program, pc: number, pos: number, list: number[]): void {
    const stack = this.#stack;
    const marks = this.#marks;
    const generation = this.#generation;
    const { op, a, b } = p;
    let top = 0;
    stack[top++] = pc;
    while (top > 0) {
      const at = stack[--top];
      if (marks[at] === generation) continue;
      marks[at] = generation;
      switch (op[at]) {
        case ATOM:
          list.push(at);
          break;
        case SPLIT:
          stack[top++] = b[at];
          stack[top++] = a[at];
          break;
        case JUMP:
          stack[top++] = a[at];
          break;
        case EDGE:
          if (this.#edge(a[at], pos)) stack[top++] = at + 1;
          break;
        case LOOK:
          if (this.#tables[a[at]][pos] === 1) stack[top++] = at + 1;
          break;
        default:
          this.#matched = true;
      }
    }
  }

  /** Width in code units of the character starting (forward) or ending (backward) at `pos`. */
  #width(pos: number, forward: boolean): number {
    if (!this.#unicode) return 1;
    const text = this.#text;
    const lead = text.charCodeAt(forward ? pos : pos - 2);
    const trail = text.charCodeAt(forward ? pos + 1 : pos - 1);
    return lead >= 0xd800 && lead <= 0xdbff && trail >= 0xdc00 && trail <= 0xdfff ? 2 : 1;
  }

  /**
   * Runs a program over the text, starting at every position (or only at 0 for a sticky
   * pattern). With `table`, records where a match ends (or, backwards, starts) and goes on;
   * without, stops at the first match.
   */
  #run(p: Program, forward: boolean, anchored: boolean, table: Uint8Array | undefined): boolean {
    const text = this.#text;
    let pos = forward ? 0 : text.length;
    const end = forward ? text.length : 0;
    let [current, next] = this.#lists;
    current.length = 0;
    this.#generation++;
    for (;;) {
      if (!anchored || pos === (forward ? 0 : text.length)) this.#close(p, 0, pos, current);
      if (this.#matched) {
        this.#matched = false;
        if (!table) return true;
        table[pos] = 1;
      }
      if (pos === end || (anchored && current.length === 0)) return false;
      const width = this.#width(pos, forward);
      const from = forward ? pos : pos - width;
      const nextPos = forward ? pos + width : pos - width;
      next.length = 0;
      this.#generation++;
      const code = text.charCodeAt(from);
      const atoms = this.#atoms;
      const arg = p.a;
      for (let i = 0; i < current.length; i++) {
        const pc = current[i];
        const atom = atoms[arg[pc]];
        if (code < 128 ? atom.ascii[code] === 1 : atom.at(text, from, width)) this.#close(p, pc + 1, nextPos, next);
      }
      [current, next] = [next, current];
      pos = nextPos;
    }
  }

  test(text: string): boolean {
    this.#text = text;
    this.#matched = false;
    // Lookarounds nest inside-out: a lookaround's own lookarounds were added to the list first.
    this.#tables = [];
    this.#looks.forEach((look, i) => {
      const table = new Uint8Array(text.length + 1);
      this.#run(look.program, look.behind, false, table);
      if (look.negate) for (let pos = 0; pos < table.length; pos++) table[pos] ^= 1;
      this.#tables[i] = table;
    });
    try {
      return this.#run(this.#main, true, this.#sticky, undefined);
    } finally {
      this.#text = '';
      this.#tables = [];
    }
  }
}

const refused = (pattern: string, why: string): TargetingError =>
  new TargetingError(KameleoonException.TargetingCondition, `Refused the regular expression of a targeting condition: ${pattern.slice(0, 200)} (${why}).`);

/**
 * Compiles a condition's pattern, `/expr/flags` or the whole string, as the official engine
 * does (split on `/`, so a slash inside `expr` truncates it), into a matcher of bounded time.
 * `engine` forces one engine (tests).
 * @throws TargetingError when the pattern is invalid, or would need the native engine on a shape
 * that can take exponential time
 */
export function compileUserRegExp(pattern: string, engine?: 'automaton'): UserRegExp {
  const { expression, flags, native } = userPattern(pattern);
  let root: Node;
  const shape: Shape = { nested: false, unbounded: 0, choices: 1, backrefs: false };
  try {
    root = new Parser(expression, /[uv]/.test(flags), flags.includes('v')).parse();
    measure(root, true, shape);
  } catch {
    // Syntax beyond what the parser follows (rare legacy escapes), or nesting deeper than the
    // stack: native, as before.
    return native;
  }
  // The automaton cannot run backreferences, nor `v`-flag classes (which can match strings).
  const build = (): Automaton | undefined => {
    try {
      return flags.includes('v') || shape.backrefs ? undefined : new Automaton(root, flags);
    } catch {
      return undefined; // too many instructions, or a piece the native engine does not take alone
    }
  };
  if (engine === 'automaton') {
    const automaton = build();
    if (!automaton) throw refused(pattern, 'the automaton cannot run it');
    return automaton;
  }
  const safe = !shape.nested && shape.unbounded <= 1 && shape.choices <= MAX_CHOICES;
  if (safe && shape.unbounded === 0) return native;
  if (safe) {
    // Quadratic at worst: native on short texts, the automaton (built when first needed) on long ones.
    let automaton: Automaton | undefined | null = null;
    return {
      test: (text) => {
        if (text.length <= QUADRATIC_LIMIT) return native.test(text);
        if (automaton === null) automaton = build();
        return automaton ? automaton.test(text) : native.test(text);
      },
    };
  }
  const automaton = build();
  if (automaton) return automaton;
  throw refused(pattern, 'nested or repeated repetitions with backreferences, `v`-flag classes or huge counts can take exponential time');
}
