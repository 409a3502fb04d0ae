/**
 * The structure of a user regular expression: a parser that finds it (single-character pieces
 * kept as source text, so their meaning stays the native engine's), and the measure of how much
 * backtracking its shape allows. Used by regex.ts.
 */

/** Native patterns may have this many combinations of bounded choices (`?`, `{2,5}`, `a|b`). */
export const MAX_CHOICES = 256;

export type Node =
  | { k: 'atom'; src: string }
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; items: Node[] }
  | { k: 'rep'; body: Node; min: number; max: number }
  | { k: 'edge'; kind: number }
  | { k: 'look'; body: Node; behind: boolean; negate: boolean }
  | { k: 'backref' };

export const START = 0;
export const END = 1;
export const WORD_EDGE = 2;
const NOT_WORD_EDGE = 3;

/** Syntax the parser does not follow: the pattern is then only run natively. */
class Unparsed extends Error {}

/**
 * A parser of JavaScript patterns (with the web-compatibility syntax of non-Unicode patterns)
 * that only finds the structure: each single-character piece (a literal, an escape, a class) is
 * kept as source text and later asked to the native engine, so its meaning is exactly native.
 * The native engine has already accepted the pattern.
 */
export class Parser {
  #i = 0;
  readonly #src: string;
  readonly #unicode: boolean;
  readonly #sets: boolean;

  constructor(src: string, unicode: boolean, sets: boolean) {
    this.#src = src;
    this.#unicode = unicode;
    this.#sets = sets;
  }

  parse(): Node {
    const node = this.#alternation();
    if (this.#i !== this.#src.length) throw new Unparsed();
    return node;
  }

  #alternation(): Node {
    const items = [this.#sequence()];
    while (this.#src[this.#i] === '|') {
      this.#i++;
      items.push(this.#sequence());
    }
    return items.length === 1 ? items[0] : { k: 'alt', items };
  }

  #sequence(): Node {
    const items: Node[] = [];
    while (this.#i < this.#src.length && this.#src[this.#i] !== '|' && this.#src[this.#i] !== ')') {
      items.push(this.#quantified(this.#term()));
    }
    return items.length === 1 ? items[0] : { k: 'seq', items };
  }

  #quantified(node: Node): Node {
    const src = this.#src;
    let min: number;
    let max: number;
    const c = src[this.#i];
    if (c === '*' || c === '+' || c === '?') {
      this.#i++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else {
      const m = c === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.#i)) : null;
      if (!m) return node;
      this.#i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    }
    if (src[this.#i] === '?') this.#i++; // lazy: the same strings match
    if (src[this.#i] === '*' || src[this.#i] === '+' || src[this.#i] === '?') throw new Unparsed();
    return { k: 'rep', body: node, min, max };
  }

  #term(): Node {
    const src = this.#src;
    const c = src[this.#i];
    if (c === '^' || c === '$') {
      this.#i++;
      return { k: 'edge', kind: c === '^' ? START : END };
    }
    if (c === '(') return this.#group();
    if (c === '[') return this.#class();
    if (c === '\\') return this.#escape();
    if (c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(src.slice(this.#i)))) throw new Unparsed();
    const code = src.charCodeAt(this.#i);
    const pair = this.#unicode && code >= 0xd800 && code <= 0xdbff && /[\udc00-\udfff]/.test(src[this.#i + 1] ?? '');
    const atom = src.slice(this.#i, this.#i + (pair ? 2 : 1));
    this.#i += atom.length;
    return { k: 'atom', src: atom };
  }

  #group(): Node {
    const src = this.#src;
    const rest = src.slice(this.#i, this.#i + 4);
    let look: { behind: boolean; negate: boolean } | undefined;
    if (rest.startsWith('(?:')) this.#i += 3;
    else if (rest.startsWith('(?=') || rest.startsWith('(?!')) {
      look = { behind: false, negate: rest[2] === '!' };
      this.#i += 3;
    } else if (rest === '(?<=' || rest === '(?<!') {
      look = { behind: true, negate: rest[3] === '!' };
      this.#i += 4;
    } else if (rest.startsWith('(?<')) {
      const close = src.indexOf('>', this.#i);
      if (close < 0) throw new Unparsed();
      this.#i = close + 1;
    } else if (rest.startsWith('(?')) {
      throw new Unparsed();
    } else this.#i++;
    const body = this.#alternation();
    if (src[this.#i] !== ')') throw new Unparsed();
    this.#i++;
    return look ? { k: 'look', body, ...look } : body;
  }

  #class(): Node {
    const src = this.#src;
    let j = this.#i + 1;
    let depth = 1;
    while (j < src.length && depth > 0) {
      const c = src[j];
      if (c === '\\') j += 2;
      else {
        if (c === '[' && this.#sets) depth++;
        else if (c === ']') depth--;
        j++;
      }
    }
    if (depth > 0) throw new Unparsed();
    const atom = src.slice(this.#i, j);
    this.#i = j;
    return { k: 'atom', src: atom };
  }

  #escape(): Node {
    const src = this.#src;
    const i = this.#i;
    const c = src[i + 1] ?? '';
    const ahead = src.slice(i + 2);
    let length = 2;
    if (c === 'b' || c === 'B') {
      this.#i += 2;
      return { k: 'edge', kind: c === 'b' ? WORD_EDGE : NOT_WORD_EDGE };
    }
    if (/[1-9]/.test(c) || (c === 'k' && ahead[0] === '<')) {
      // A backreference (or, in a non-Unicode pattern without that many groups, an octal escape).
      const m = c === 'k' ? /^<[^>]*>/.exec(ahead) : /^\d*/.exec(ahead);
      this.#i += 2 + (m ? m[0].length : 0);
      return { k: 'backref' };
    }
    if ((c === 'p' || c === 'P') && this.#unicode) {
      const close = src.indexOf('}', i);
      if (close < 0) throw new Unparsed();
      length = close + 1 - i;
    } else if (c === 'x' && /^[\da-fA-F]{2}/.test(ahead)) length = 4;
    else if (c === 'u') {
      const braced = this.#unicode && ahead[0] === '{' ? /^\{[\da-fA-F]+\}/.exec(ahead) : null;
      if (braced) length = 2 + braced[0].length;
      else if (/^[\da-fA-F]{4}/.test(ahead)) {
        length = 6;
        const lead = parseInt(ahead.slice(0, 4), 16);
        const trail = /^\\u([\da-fA-F]{4})/.exec(ahead.slice(4));
        if (this.#unicode && lead >= 0xd800 && lead <= 0xdbff && trail && parseInt(trail[1], 16) >= 0xdc00 && parseInt(trail[1], 16) <= 0xdfff) length = 12;
      }
    } else if (c === 'c') {
      if (!/^[a-zA-Z]/.test(ahead)) throw new Unparsed();
      length = 3;
    } else if (c === '0' && /^\d/.test(ahead)) throw new Unparsed();
    this.#i += length;
    return { k: 'atom', src: src.slice(i, i + length) };
  }
}

/** What makes native matching slow: nested repetition, repetitions followed by more pattern, choices. */
export interface Shape {
  nested: boolean;
  unbounded: number;
  choices: number;
  backrefs: boolean;
}

/** Whether a node contains a choice: a repetition of variable count, or an alternation. */
export function branches(node: Node): boolean {
  switch (node.k) {
    case 'rep':
      return node.max > node.min || branches(node.body);
    case 'alt':
      return true;
    case 'seq':
      return node.items.some(branches);
    case 'look':
      return branches(node.body);
    default:
      return false;
  }
}

/**
 * Accumulates the shape of `node`. `last` tells whether nothing follows the node before the end
 * of the pattern (or of a lookaround, which is atomic): a repetition there is matched once,
 * greedily, and ends the match.
 */
export function measure(node: Node, last: boolean, shape: Shape): void {
  switch (node.k) {
    case 'seq':
      node.items.forEach((item, i) => measure(item, last && i === node.items.length - 1, shape));
      return;
    case 'alt':
      shape.choices *= node.items.length;
      for (const item of node.items) measure(item, last, shape);
      return;
    case 'look':
      // A lookaround runs at every position the pattern reaches it, and its success ends nothing.
      measure(node.body, false, shape);
      return;
    case 'backref':
      shape.backrefs = true;
      return;
    case 'rep':
      if (node.max > 1 && branches(node.body)) shape.nested = true;
      if (node.max === Infinity) {
        if (!last) shape.unbounded++;
      } else {
        shape.choices *= Math.min(node.max - node.min + 1, MAX_CHOICES + 1);
      }
      measure(node.body, false, shape);
      return;
    default:
  }
}

export const isLineTerminator = (code: number): boolean => code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
