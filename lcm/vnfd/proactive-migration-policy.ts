import type { DestinationStrategy, FallbackAction, ProactiveMigrationPolicy } from './vnfd.types.ts';
import type { ToscaTypes } from './tosca-types.ts';
import { timeInSeconds, TIME_UNIT_NAMES } from './tosca-units.ts';
import type { ToscaValue } from './tosca-value.ts';
import { policiesOf, vduTargets, type PolicyEntry } from './vnfd-policies.ts';

/** Our policy type; each package defines it in its own types file (see vnfd-samples/README.md). */
export const PROACTIVE_MIGRATION_TYPE = 'tosca.policies.nfv.ProactiveMigration';

export const DESTINATION_STRATEGIES: readonly DestinationStrategy[] = ['forecast', 'least-loaded', 'random', 'fixed'];
export const FALLBACK_ACTIONS: readonly FallbackAction[] = ['heal-recreate', 'none'];

type Settings = Omit<ProactiveMigrationPolicy, 'name' | 'targets' | 'autoHealEnabled' | 'fixedHost'> & { fixedHost?: string };

/**
 * What an omitted property means when neither the policy nor its type definition gives a
 * value. Each leans to doing less: a high threshold, two windows in a row, one migration
 * per host at a time, ten minutes between actions on a VNFC, no re-creation fallback.
 */
export const PROACTIVE_MIGRATION_DEFAULTS: Readonly<Settings> = Object.freeze({
  scoreThreshold: 0.8,
  hysteresis: 0.05,
  consecutiveWindows: 2,
  minLeadSeconds: 60,
  cooldownSeconds: 600,
  maxConcurrentPerHost: 1,
  destinationStrategy: 'forecast',
  longFailuresOnly: false,
  fallbackAction: 'none',
});

function seconds(v: ToscaValue): number | undefined {
  const s = typeof v.value === 'number' ? v.value : timeInSeconds(v.value);
  if (s === undefined || s < 0) return v.problem(`must be a time such as "10 m" or "90 s" (units: ${TIME_UNIT_NAMES}), not ${JSON.stringify(v.value)}`);
  if (Math.abs(s - Math.round(s)) > 1e-9) return v.problem(`must be whole seconds, not ${s} s`);
  return Math.round(s);
}

interface PropertySpec {
  readonly field: keyof Settings;
  /** The TOSCA type the property has in the policy type definition. */
  readonly toscaType: string;
  readonly read: (v: ToscaValue) => Settings[keyof Settings] | undefined;
}

/** The properties of tosca.policies.nfv.ProactiveMigration, with their constraints. */
export const PROACTIVE_MIGRATION_PROPERTIES: Readonly<Record<string, PropertySpec>> = {
  score_threshold: { field: 'scoreThreshold', toscaType: 'float', read: (v) => v.number({ min: 0.5, max: 0.95 }) },
  hysteresis: { field: 'hysteresis', toscaType: 'float', read: (v) => v.number({ min: 0, max: 0.25 }) },
  consecutive_windows: { field: 'consecutiveWindows', toscaType: 'integer', read: (v) => v.integer({ min: 1, max: 1000 }) },
  min_lead_time: { field: 'minLeadSeconds', toscaType: 'scalar-unit.time', read: seconds },
  cooldown: { field: 'cooldownSeconds', toscaType: 'scalar-unit.time', read: seconds },
  max_concurrent_per_host: { field: 'maxConcurrentPerHost', toscaType: 'integer', read: (v) => v.integer({ min: 1, max: 1000 }) },
  destination_strategy: { field: 'destinationStrategy', toscaType: 'string', read: (v) => v.oneOf(DESTINATION_STRATEGIES) },
  fixed_host: { field: 'fixedHost', toscaType: 'string', read: (v) => v.string({ required: true }) },
  long_failures_only: { field: 'longFailuresOnly', toscaType: 'boolean', read: (v) => v.boolean() },
  fallback_action: { field: 'fallbackAction', toscaType: 'string', read: (v) => v.oneOf(FALLBACK_ACTIONS) },
};
const PROPERTY_NAMES = Object.keys(PROACTIVE_MIGRATION_PROPERTIES);

/**
 * The defaults the type definitions give (TOSCA: a property's `default` applies when a
 * template omits it), most derived type first; every definition is checked on the way.
 */
function typeDefaults(type: string, types: ToscaTypes): Partial<Settings> {
  const out: Partial<Settings> = {};
  for (const t of types.chain(type).reverse()) {
    const props = t.definition.at('properties');
    props.onlyKeys(PROPERTY_NAMES);
    for (const [name, def] of props.entries()) {
      const spec = PROACTIVE_MIGRATION_PROPERTIES[name];
      if (!spec) continue;
      const declared = def.at('type').string({ required: true });
      if (declared !== undefined && declared !== spec.toscaType) def.at('type').problem(`must be ${spec.toscaType}, not ${declared}`);
      if (!def.at('default').exists) continue;
      const value = spec.read(def.at('default'));
      if (value !== undefined) Object.assign(out, { [spec.field]: value });
    }
  }
  return out;
}

/**
 * Every ProactiveMigration policy of a flavour. Targets default to all VDUs of the flavour
 * (TOSCA: a policy without targets applies to the whole topology); a VDU may be the target
 * of one such policy only.
 */
export function readProactiveMigrationPolicies(
  policies: readonly PolicyEntry[],
  types: ToscaTypes,
  vduIds: ReadonlySet<string>,
  autoHealEnabled: boolean,
): ProactiveMigrationPolicy[] {
  const out: ProactiveMigrationPolicy[] = [];
  const targetedBy = new Map<string, string>();
  for (const policy of policiesOf(policies, PROACTIVE_MIGRATION_TYPE, types)) {
    const node = policy.node;
    node.onlyKeys(['type', 'description', 'metadata', 'properties', 'targets'], 'key');
    const props = node.at('properties');
    props.entries();
    props.onlyKeys(PROPERTY_NAMES);

    const settings: Record<string, unknown> = { ...PROACTIVE_MIGRATION_DEFAULTS, ...typeDefaults(policy.type, types) };
    let ok = true;
    for (const [name, spec] of Object.entries(PROACTIVE_MIGRATION_PROPERTIES)) {
      const v = props.at(name);
      if (!v.exists) continue;
      const value = spec.read(v);
      if (value === undefined) ok = false;
      else settings[spec.field] = value;
    }

    const strategy = settings.destinationStrategy as DestinationStrategy;
    if (strategy === 'fixed' && settings.fixedHost === undefined) {
      ok = props.at('fixed_host').problem('is required when destination_strategy is fixed') ?? false;
    }
    if (strategy !== 'fixed' && props.at('fixed_host').exists) {
      ok = props.at('fixed_host').problem(`is only used with destination_strategy fixed, not ${strategy}`) ?? false;
    }

    const targetsNode = node.at('targets');
    const targets = targetsNode.exists ? vduTargets(policy, vduIds) : [...vduIds];
    if (targets && targets.length === 0) targetsNode.problem('must name at least one VDU');
    for (const [i, vdu] of (targets ?? []).entries()) {
      const other = targetedBy.get(vdu);
      const at = targetsNode.exists ? targetsNode.at(i) : node;
      if (other) ok = at.problem(`VDU ${vdu} is already a target of ProactiveMigration policy ${other}`) ?? false;
      targetedBy.set(vdu, policy.name);
    }
    if (!ok || !targets || targets.length === 0) continue;
    out.push({ ...(settings as Settings), name: policy.name, targets, autoHealEnabled });
  }
  return out;
}

/**
 * Whether automatic actions may run for an instance: its vnfConfigurableProperties
 * `isAutohealEnabled` (SOL003, set at instantiate or by PATCH) wins when given; otherwise
 * the VNFD's `is_autoheal_enabled`, as carried by the policy.
 */
export function autoHealEnabledFor(
  policy: Pick<ProactiveMigrationPolicy, 'autoHealEnabled'>,
  vnfConfigurableProperties?: Readonly<Record<string, unknown>>,
): boolean {
  const own = vnfConfigurableProperties?.isAutohealEnabled;
  return typeof own === 'boolean' ? own : policy.autoHealEnabled;
}
