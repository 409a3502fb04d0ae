import type { VariableJson } from './types.ts';

/** Variable types of the Kameleoon app: the `type` of a {@link Variable}. */
export const VariableType = {
  /** Value a boolean (the texts `true` and `false`, any case, are read as such). */
  BOOLEAN: 'BOOLEAN',
  /** Value a finite number. */
  NUMBER: 'NUMBER',
  /** Value a string. */
  STRING: 'STRING',
  /** Value the parsed JSON. */
  JSON: 'JSON',
  /** Value JavaScript code, as a string. */
  JS: 'JS',
  /** Value CSS code, as a string. */
  CSS: 'CSS',
} as const;
/** One of `VariableType`. */
export type VariableType = (typeof VariableType)[keyof typeof VariableType];

/** Any JSON value: what `getRemoteData` resolves with, and the value of a JSON variable. */
export type JSONType = string | number | boolean | null | JSONType[] | { [key: string]: JSONType };

/**
 * A variable as returned to the application: `{ key, type, value }`, the value converted to its
 * type (BOOLEAN: boolean; NUMBER: number; STRING, JS, CSS: string; JSON: the parsed value). A
 * variable whose value cannot be converted is left out of its variation.
 */
export type Variable =
  | { key: string; type: 'BOOLEAN'; value: boolean }
  | { key: string; type: 'NUMBER'; value: number }
  | { key: string; type: 'STRING' | 'JS' | 'CSS'; value: string }
  | { key: string; type: 'JSON'; value: JSONType };

/**
 * Converts each variable to its type; a variable whose value cannot be converted is left out,
 * alone. Deliberately unlike the official engine, which reads the BOOLEAN string "false" as true
 * and drops every variable after the first one that fails.
 */
export function parseVariables(variables: VariableJson[]): Variable[] {
  const parsed: Variable[] = [];
  for (const v of variables) {
    const value = parseValue(v);
    if (value !== undefined) parsed.push(value);
  }
  return parsed;
}

/** Converts one variable; undefined when its value does not fit its type. */
export function parseValue({ key, type, value }: VariableJson): Variable | undefined {
  switch (type) {
    case 'BOOLEAN':
      if (typeof value === 'string') {
        const lower = value.trim().toLowerCase();
        if (lower === 'true') return { key, type, value: true };
        if (lower === 'false' || lower === '') return { key, type, value: false };
      }
      return { key, type, value: Boolean(value) };
    case 'NUMBER': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? { key, type, value: n } : undefined;
    }
    case 'STRING':
    case 'JS':
    case 'CSS':
      return { key, type, value: value == null ? '' : String(value) };
    case 'JSON':
      if (typeof value !== 'string') return value === undefined ? undefined : { key, type, value: value as JSONType };
      try {
        return { key, type, value: JSON.parse(value) as JSONType };
      } catch {
        return undefined;
      }
    default:
      return undefined;
  }
}
