import { LineCounter, isAlias, isMap, isNode, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { ConfigurationError } from '../errors.ts';
import { sha256Words } from '../hashing/sha256.ts';

/**
 * Reading the friendly YAML configuration (see friendlyConfig.ts) node by node, so that every
 * value knows its path and line and an invalid one is reported where the user wrote it; plus the
 * stable ids the conversion derives from names.
 */

/** The document a value comes from. */
interface Source {
  doc: Document;
  lines: LineCounter;
  file: string | undefined;
}

/** `Feature flag configuration "flags.yaml", line 12` (the file only when known). */
function where(file: string | undefined, line: number, column?: number): string {
  return `Feature flag configuration${file ? ` "${file}"` : ''}, line ${line}${column ? `, column ${column}` : ''}`;
}

/**
 * Parses the YAML text into its root value.
 * @throws ConfigurationError on a syntax error, with its line and column
 */
export function parseYaml(text: string, file: string | undefined): YamlValue {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [syntaxError] = doc.errors;
  if (syntaxError) {
    const { line, col } = lines.linePos(syntaxError.pos[0]);
    throw new ConfigurationError(`${where(file, line, col)}: invalid YAML (${syntaxError.message}). Fix the syntax there.`, syntaxError);
  }
  return new YamlValue({ doc, lines, file }, doc.contents, '', 1);
}

/**
 * One value of the document with its path (`flags.new_checkout.rules[1]`) and line. Accessors
 * check the type and throw a ConfigurationError naming the file, line and path otherwise.
 */
export class YamlValue {
  readonly #src: Source;
  /** The YAML node (aliases resolved), or null for an empty value. */
  readonly #node: unknown;

  constructor(src: Source, node: unknown, readonly path: string, readonly line: number, readonly column?: number) {
    this.#src = src;
    this.#node = isAlias(node) ? (node.resolve(src.doc) ?? null) : node;
  }

  /** Throws a ConfigurationError located at this value. */
  fail(message: string): never {
    throw new ConfigurationError(`${where(this.#src.file, this.line, this.column)}${this.path ? `, at ${this.path}` : ''}: ${message}`);
  }

  /** Whether the value is empty (`key:` with nothing after it, or `null`). */
  get isNull(): boolean {
    return this.#node == null || (isScalar(this.#node) && this.#node.value == null);
  }

  /** The value as plain data (mappings become objects). */
  toJS(): unknown {
    return isNode(this.#node) ? this.#node.toJS(this.#src.doc) : null;
  }

  /** The entries of a mapping, in order; keys are strings or numbers, read as strings. */
  entries(expected: string): [string, YamlValue][] {
    if (!isMap(this.#node)) return this.fail(`expected ${expected}, got ${this.describe()}.`);
    return this.#node.items.map((pair) => {
      const key = isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number') ? String(pair.key.value) : null;
      const keyLine = this.#lineOf(pair.key);
      // A value on its key's line is pointed at; one below it (a nested block), at its key.
      const at = this.#positionOf(isScalar(pair.value) && this.#lineOf(pair.value) === keyLine ? pair.value : pair.key);
      if (key === null) {
        throw new ConfigurationError(`${where(this.#src.file, keyLine, this.#positionOf(pair.key)?.col)}, at ${this.path || 'the top level'}: keys must be plain names, got ${JSON.stringify(String(pair.key))}.`);
      }
      return [key, new YamlValue(this.#src, pair.value, this.path ? `${this.path}.${key}` : key, keyLine, at?.col)];
    });
  }

  /**
   * The entries of a mapping whose keys must be among `allowed` (a typo is reported with the
   * allowed keys), by key.
   */
  fields<K extends string>(allowed: readonly K[], expected: string): Partial<Record<K, YamlValue>> {
    const result: Partial<Record<K, YamlValue>> = {};
    for (const [key, value] of this.entries(expected)) {
      if (!(allowed as readonly string[]).includes(key)) {
        value.fail(`unknown key "${key}"; expected one of: ${allowed.join(', ')}.`);
      }
      result[key as K] = value;
    }
    return result;
  }

  /** The items of a list. */
  items(expected: string): YamlValue[] {
    if (!isSeq(this.#node)) return this.fail(`expected ${expected}, got ${this.describe()}.`);
    return this.#node.items.map((item, i) => new YamlValue(this.#src, item, `${this.path}[${i}]`, item == null ? this.line : this.#lineOf(item), item == null ? this.column : this.#positionOf(item)?.col));
  }

  /** Whether the value is a mapping / a list. */
  get isMap(): boolean {
    return isMap(this.#node);
  }

  get isList(): boolean {
    return isSeq(this.#node);
  }

  /** The scalar value (string, number, boolean or null), or undefined for a mapping or list. */
  get scalar(): unknown {
    return isScalar(this.#node) ? this.#node.value : this.#node == null ? null : undefined;
  }

  string(expected = 'a text'): string {
    const v = this.scalar;
    return typeof v === 'string' ? v : this.fail(`expected ${expected}, got ${this.describe()}.`);
  }

  /** A name: a string, or a number read as its text (`2` → "2"). */
  name(expected = 'a name'): string {
    const v = this.scalar;
    return typeof v === 'string' || typeof v === 'number' ? String(v) : this.fail(`expected ${expected}, got ${this.describe()}.`);
  }

  number(expected = 'a number'): number {
    const v = this.scalar;
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(`expected ${expected}, got ${this.describe()}.`);
  }

  boolean(): boolean {
    const v = this.scalar;
    return typeof v === 'boolean' ? v : this.fail(`expected true or false, got ${this.describe()}.`);
  }

  /** A percentage between 0 and 100. */
  percent(): number {
    const v = this.number('a percentage between 0 and 100');
    return v >= 0 && v <= 100 ? v : this.fail(`expected a percentage between 0 and 100, got ${v}.`);
  }

  /** One of `choices`. */
  oneOf<T extends string>(choices: readonly T[]): T {
    const v = this.scalar;
    return (choices as readonly unknown[]).includes(v) ? (v as T) : this.fail(`expected one of ${choices.join(', ')}, got ${this.describe()}.`);
  }

  /** A short description of the value for error messages. */
  describe(): string {
    if (isMap(this.#node)) return 'a mapping';
    if (isSeq(this.#node)) return 'a list';
    const v = this.scalar;
    return v == null ? 'nothing' : `${typeof v === 'string' ? 'the text' : typeof v} ${JSON.stringify(v)}`;
  }

  /** Line and column (from 1) where `node` starts, when it has a place in the text. */
  #positionOf(node: unknown): { line: number; col: number } | undefined {
    return isNode(node) && node.range ? this.#src.lines.linePos(node.range[0]) : undefined;
  }

  #lineOf(node: unknown): number {
    return isNode(node) && node.range ? this.#src.lines.linePos(node.range[0]).line : this.line;
  }
}

/**
 * Ids derived from names: the first 31 bits of SHA-256(name), in [1, 2^31 - 1]. The same name
 * always gets the same id, so editing one flag does not move the visitors of another; a name
 * whose id is already taken in the configuration (about one chance in 10^7 for 100 ids) is
 * re-hashed with a counter.
 */
export class StableIds {
  readonly #used = new Set<number>();
  readonly #digest = new Int32Array(8);

  id(name: string): number {
    for (let attempt = 0; ; attempt++) {
      sha256Words(attempt === 0 ? name : `${name}#${attempt}`, this.#digest);
      const id = this.#digest[0] >>> 1;
      if (id !== 0 && !this.#used.has(id)) {
        this.#used.add(id);
        return id;
      }
    }
  }
}
