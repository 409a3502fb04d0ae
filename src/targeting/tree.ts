import { KameleoonException, TargetingError } from '../errors.ts';
import type { ConditionJson, SegmentJson } from '../config/types.ts';
import { compileCondition, type ConditionTable } from './coreConditions.ts';
import type { CompiledSegment, ConditionFn } from './types.ts';
import type { RegexCompiler } from './nativeRegex.ts';
import { msg } from '../logging/msg.ts';

/**
 * Compiles a segment into one function. Conditions inside a group, and groups at the top level,
 * are combined by a strict left-to-right fold with no AND-over-OR precedence,
 * `((c0 op0 c1) op1 c2) …`, as the official JavaScript engine does (its code comment draws a
 * different tree; its code builds this one). `orOperators[i]` true means OR, false AND. Operators
 * beyond `nodes - 1` make the official engine crash; here such a segment fails with a
 * TargetingError when evaluated, and operators missing at the end leave the last nodes out.
 * REGULAR_EXPRESSION patterns are compiled by `compile`, on first use; conditions by `table`.
 */
export function compileSegment(segment: SegmentJson, compile: RegexCompiler, table: ConditionTable): CompiledSegment {
  const types = new Set<string>();
  const groups = segment.conditionsData.firstLevel;
  const groupFns = groups.map((group) => fold(group.conditions.map((c) => leaf(c, types, compile, table)), group.orOperators ?? []));
  const evaluate = groups.length === 0 ? () => true : fold(groupFns, segment.conditionsData.firstLevelOrOperators ?? []);
  return {
    id: String(segment.id),
    audienceTracking: segment.audienceTracking === true,
    types,
    empty: groups.length === 0,
    evaluate,
  };
}

const always: ConditionFn = () => true;

function leaf(condition: ConditionJson, types: Set<string>, compile: RegexCompiler, table: ConditionTable): ConditionFn {
  types.add(condition.targetingType);
  const fn = compileCondition(condition, compile, table);
  // An unsupported condition counts as true, even when negated (official behaviour).
  if (!fn) return always;
  return condition.isInclude === false ? (ctx) => !fn(ctx) : fn;
}

function malformed(): never {
  throw new TargetingError(KameleoonException.TargetingCondition, msg`A segment has more AND/OR operators than conditions, or an empty group.`);
}

/** The fold runs as a loop: nested closures would overflow the stack on a group of 100,000 conditions. */
function fold(nodes: ConditionFn[], operators: boolean[]): ConditionFn {
  if (nodes.length === 1) return nodes[0];
  if (nodes.length === 0 || operators.length > nodes.length - 1) return malformed;
  if (operators.length === 0) return nodes[0];
  return (ctx) => {
    let acc = nodes[0](ctx);
    for (let i = 0; i < operators.length; i++) {
      if (operators[i] ? !acc : acc) acc = nodes[i + 1](ctx);
    }
    return acc;
  };
}
