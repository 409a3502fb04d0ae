/**
 * What the dev server's page shows, as data: each flag's rules in words, exposures counted per
 * variation against the configured split, conversions per goal and variation, the visitors seen,
 * events named after the flags, variations and goals they concern, and the last reload's error.
 * Counts are kept by id as events arrive (a reload does not recount them); names come from the
 * configuration served now.
 */
import type { ConfigurationJson, FeatureFlagJson, RuleJson } from '../config/types.ts';
import type { RecordedEvent } from './events.ts';

/** One variation of a rule's split, with what was seen of it. */
export interface SplitView {
  /** The variation's key. */
  variationKey: string;
  /** The variation's name (its key when it has none). */
  name: string;
  /** The variation's id in this rule (what exposures carry). */
  variationId: number | null;
  /** The configured share of the rule's traffic, in percent. */
  percent: number;
  /** Visitors exposed to it (each once). */
  visitors: number;
  /** Exposure events received (a visitor may be tracked more than once). */
  exposures: number;
  /** Per goal id: visitors exposed to this variation who then converted, and their share of `visitors` (0 to 1). Goals are named in {@link LiveState.goals}. */
  conversions: Record<string, { visitors: number; rate: number }>;
}

/** One rule of a flag, in words. */
export interface RuleView {
  /** 1, 2, ... in evaluation order. */
  position: number;
  /** A targeted delivery or an experiment. */
  type: 'delivery' | 'experiment';
  /** The rule's experiment id (what exposures carry). */
  experimentId: number;
  /** The segment's name (its id when it has none); undefined: every visitor. */
  segment?: string;
  /** Share of the targeted visitors in the rule's traffic, in percent. */
  traffic: number;
  /** E.g. `Visitors in segment "premium": all get on.` */
  text: string;
  /** The variations of the rule's traffic, with their counts. */
  split: SplitView[];
}

/** One flag, in words. */
export interface FlagView {
  /** The flag's key. */
  key: string;
  /** False when the flag is disabled: every visitor gets the default. */
  enabled: boolean;
  /** The default variation's key. */
  defaultVariation: string;
  /** The variations' keys and names (the key when unnamed). */
  variations: { key: string; name: string }[];
  /** The rules, in evaluation order. */
  rules: RuleView[];
  /** What the visitors no rule took get, e.g. `Everyone else: off (the default).` */
  fallback: string;
}

/** A goal's conversions. */
export interface GoalView {
  /** The goal id, as tracked. */
  goalId: string;
  /** The goal's name (`goals:` of the YAML format), else `goal <id>`. */
  name: string;
  /** Conversion events received. */
  conversions: number;
  /** Distinct visitors who converted. */
  visitors: number;
  /** The revenue of the conversions, summed. */
  revenue: number;
}

/** A recorded event with a summary in names, e.g. `exposure: new_checkout → on (rule 1)`. */
export interface NamedEvent extends RecordedEvent {
  /** The event in names. */
  summary: string;
}

/** Where the last reload failed, when it did. */
export interface LoadErrorView {
  /** The error's message. */
  message: string;
  /** The line the message names, when it names one. */
  line?: number;
  /** The column the message names, when it names one. */
  column?: number;
  /** Epoch ms of the failed reload. */
  time: number;
}

/** Everything the page shows but the event list. */
export interface LiveState {
  /** The flags served now. */
  flags: FlagView[];
  /** The goals converted, in order of their first conversion. */
  goals: GoalView[];
  /** Distinct visitor codes seen in tracking. */
  visitors: number;
  /** Events received in all. */
  events: number;
  /** Whether the configuration requires the visitors' consent (`consent: required`). */
  consentRequired: boolean;
  /** The last reload's error, until a good file loads. */
  error?: LoadErrorView;
}

const percent = (share: number): number => Math.round(share * 10_000) / 100;

/** Reads `line 12` and `column 5` from a configuration error's message. */
export function loadError(message: string, time: number): LoadErrorView {
  const line = /\bline (\d+)/.exec(message)?.[1];
  const column = /\bcolumn (\d+)/.exec(message)?.[1];
  return { message, time, ...(line ? { line: Number(line) } : {}), ...(column ? { column: Number(column) } : {}) };
}

interface Counter {
  events: number;
  visitors: Set<string>;
}
const counter = (): Counter => ({ events: 0, visitors: new Set() });

/**
 * Counts of the events received, by id: exposures per experiment and variation, conversions per
 * goal, and per goal and variation for the visitors exposed to it before they converted.
 */
export class LiveCounts {
  readonly #visitors = new Set<string>();
  /** `experimentId:variationId` → exposures. */
  readonly #exposures = new Map<string, Counter>();
  /** visitor → the `experimentId:variationId` it was exposed to. */
  readonly #exposedTo = new Map<string, Set<string>>();
  /** goalId → conversions. */
  readonly #goals = new Map<string, Counter & { revenue: number }>();
  /** `goalId|experimentId:variationId` → converting visitors. */
  readonly #converted = new Map<string, Set<string>>();
  #events = 0;

  /** Counts events, oldest first. */
  add(events: readonly RecordedEvent[]): void {
    for (const e of events) {
      this.#events++;
      this.#visitors.add(e.visitorCode);
      if (e.eventType === 'experiment' && e.params.id && e.params.variationId && e.params.variationId !== 'null') {
        const key = `${e.params.id}:${e.params.variationId}`;
        const c = this.#exposures.get(key) ?? counter();
        c.events++;
        c.visitors.add(e.visitorCode);
        this.#exposures.set(key, c);
        const mine = this.#exposedTo.get(e.visitorCode) ?? new Set<string>();
        mine.add(key);
        this.#exposedTo.set(e.visitorCode, mine);
      } else if (e.eventType === 'conversion' && e.params.goalId) {
        const goal = this.#goals.get(e.params.goalId) ?? { ...counter(), revenue: 0 };
        goal.events++;
        goal.visitors.add(e.visitorCode);
        goal.revenue += Number(e.params.revenue ?? 0) || 0;
        this.#goals.set(e.params.goalId, goal);
        for (const key of this.#exposedTo.get(e.visitorCode) ?? []) {
          const id = `${e.params.goalId}|${key}`;
          this.#converted.set(id, (this.#converted.get(id) ?? new Set()).add(e.visitorCode));
        }
      }
    }
  }

  /** The page's state for `config`. */
  state(config: ConfigurationJson, error?: LoadErrorView, goalNames: Record<string, string> = {}): LiveState {
    const segments = new Map((config.segments ?? []).map((s) => [String(s.id), s.name ?? `#${s.id}`]));
    const goalIds = [...this.#goals.keys()];
    const flags = config.featureFlags.map((flag) => this.#flag(flag, segments, goalIds));
    return {
      flags,
      goals: [...this.#goals].map(([goalId, g]) => ({ goalId, name: goalName(goalId, goalNames), conversions: g.events, visitors: g.visitors.size, revenue: g.revenue })),
      visitors: this.#visitors.size,
      events: this.#events,
      consentRequired: config.configuration?.consentType === 'REQUIRED',
      ...(error ? { error } : {}),
    };
  }

  #flag(flag: FeatureFlagJson, segments: Map<string, string>, goalIds: string[]): FlagView {
    const variations = (flag.variations ?? []).map((v) => ({ key: v.key, name: v.name || v.key }));
    const nameOf = (key: string) => variations.find((v) => v.key === key)?.name ?? key;
    const label = (key: string) => (nameOf(key) === key ? key : `${key} (${nameOf(key)})`);
    const rulesJson = flag.rules ?? [];
    const rules = rulesJson.map((rule, i): RuleView => {
      const segment = rule.segmentId != null ? (segments.get(String(rule.segmentId)) ?? `#${rule.segmentId}`) : rule.segment ? (rule.segment.name ?? `#${rule.segment.id}`) : undefined;
      const split = (rule.variationByExposition ?? []).map((v): SplitView => {
        const c = this.#exposures.get(`${rule.experimentId}:${v.variationId}`);
        const visitors = c?.visitors.size ?? 0;
        const conversions: SplitView['conversions'] = {};
        for (const goalId of goalIds) {
          const converted = this.#converted.get(`${goalId}|${rule.experimentId}:${v.variationId}`)?.size ?? 0;
          conversions[goalId] = { visitors: converted, rate: visitors ? converted / visitors : 0 };
        }
        return { variationKey: v.variationKey, name: nameOf(v.variationKey), variationId: v.variationId ?? null, percent: percent(v.exposition), visitors, exposures: c?.events ?? 0, conversions };
      });
      const traffic = percent(Number(rule.exposition));
      return { position: i + 1, type: rule.type === 'TARGETED_DELIVERY' ? 'delivery' : 'experiment', experimentId: rule.experimentId, ...(segment ? { segment } : {}), traffic, text: ruleText(rule, segment, traffic, split, label, label(flag.defaultVariationKey), i === rulesJson.length - 1), split };
    });
    const fallback = !flag.environmentEnabled ? `Disabled: every visitor gets ${label(flag.defaultVariationKey)} (the default).` : `${rules.length ? 'Everyone else' : 'Every visitor'}: ${label(flag.defaultVariationKey)} (the default).`;
    return { key: flag.featureKey, enabled: flag.environmentEnabled, defaultVariation: flag.defaultVariationKey, variations, rules, fallback };
  }

  /** Names an event after the configuration's flags, variations and goals. */
  name(event: RecordedEvent, config: ConfigurationJson, goalNames: Record<string, string> = {}): NamedEvent {
    return { ...event, summary: summary(event, config, goalNames) };
  }
}

/** `purchase (goal 1)` when the goal has a name, else `goal 1`. */
function goalName(goalId: string, names: Record<string, string>): string {
  return names[goalId] === undefined ? `goal ${goalId}` : `${names[goalId]} (goal ${goalId})`;
}

function ruleText(rule: RuleJson, segment: string | undefined, traffic: number, split: SplitView[], label: (key: string) => string, fallback: string, last: boolean): string {
  const who = segment === undefined ? 'All visitors' : `Visitors in segment "${segment}"`;
  const shares = split.map((s) => `${label(s.variationKey)} ${s.percent} %`).join(', ');
  if (rule.type === 'TARGETED_DELIVERY') {
    const what = split.length === 1 ? label(split[0].variationKey) : shares;
    return traffic >= 100 ? `${who}: all get ${what}.` : `${who}: ${traffic} % get ${what}, the others ${fallback} (the default).`;
  }
  const rest = traffic >= 100 ? '' : ` The other ${percent(1 - traffic / 100)} % ${last ? `get ${fallback} (the default)` : 'go on to the next rule'}.`;
  return `${who}: ${traffic >= 100 ? 'all' : `${traffic} %`} in an experiment, split ${shares}.${rest}`;
}

/** The flag and variation of an experiment and variation id. */
function exposureOf(config: ConfigurationJson, experimentId: string, variationId: string): string | undefined {
  for (const flag of config.featureFlags) {
    const index = (flag.rules ?? []).findIndex((r) => String(r.experimentId) === experimentId);
    if (index < 0) continue;
    const variation = flag.rules[index].variationByExposition.find((v) => String(v.variationId) === variationId)?.variationKey ?? `variation ${variationId}`;
    return `${flag.featureKey} → ${variation} (rule ${index + 1})`;
  }
  if (config.holdout && String(config.holdout.experimentId) === experimentId) {
    return `holdout → ${config.holdout.variationByExposition.find((v) => String(v.variationId) === variationId)?.variationKey ?? variationId}`;
  }
  return undefined;
}

function summary(e: RecordedEvent, config: ConfigurationJson, goalNames: Record<string, string>): string {
  const p = e.params;
  switch (e.eventType) {
    case 'experiment':
      return `exposure: ${exposureOf(config, p.id ?? '', p.variationId ?? '') ?? `experiment ${p.id}, variation ${p.variationId} (not in this configuration)`}`;
    case 'conversion':
      return `conversion: ${goalName(p.goalId ?? '', goalNames)}${p.revenue && Number(p.revenue) ? `, revenue ${p.revenue}` : ''}${p.negative === 'true' ? ' (cancelled)' : ''}`;
    case 'customData': {
      const name = (config.customData ?? []).find((c) => String(c.index) === p.index)?.name ?? `#${p.index}`;
      let values = p.valuesCountMap ?? '';
      try {
        values = Object.keys(JSON.parse(values) as object).join(', ');
      } catch {
        // shown as received
      }
      return `custom data: ${name} = ${values}`;
    }
    case 'page':
      return `page: ${p.href ?? ''}${p.title ? ` (${p.title})` : ''}`;
    case 'staticData':
      return `visitor details: ${[p.visitNumber && `visit ${p.visitNumber}`, p.browser, p.os, p.deviceType].filter(Boolean).join(', ') || 'summary'}`;
    case 'activity':
      return 'activity (the visitor moved, scrolled or typed)';
    default:
      return e.eventType;
  }
}
