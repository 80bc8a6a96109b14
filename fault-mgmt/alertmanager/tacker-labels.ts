/**
 * Tacker's Prometheus plugin label conventions (tacker/sol_refactored/api/schemas/
 * prometheus_plugin_schemas.py): an alert meant for a VNFM carries `receiver_type: tacker`
 * and a `function_type`; FM alerts add `vnf_instance_id`, `vnfc_info_id`,
 * `perceived_severity`, `event_type` and the annotations `probable_cause`, `fault_type`,
 * `fault_details`; auto-heal needs `vnf_instance_id` + `vnfc_info_id`, auto-scale
 * `auto_scale_type` + `aspect_id`. Alerts without `receiver_type: tacker` (plain
 * Prometheus rules, collectd notifications) are kept as generic alerts.
 */

export const TACKER_FUNCTION_TYPES = ['vnffm', 'vnfpm', 'vnfpm_threshold', 'auto_heal', 'auto_scale'] as const;
export type TackerFunctionType = (typeof TACKER_FUNCTION_TYPES)[number];

/** SOL002/SOL003 7.5.4.3 PerceivedSeverityType. */
export const PERCEIVED_SEVERITIES = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE', 'CLEARED'] as const;
export const AUTO_SCALE_TYPES = ['SCALE_OUT', 'SCALE_IN'] as const;

/** What a Tacker-style alert says, in the SOL data model's words. */
export interface TackerAlertInfo {
  readonly functionType: TackerFunctionType;
  readonly vnfInstanceId?: string;
  /** `{vduId}-{resource id}`; the resource id is the Nova server id. */
  readonly vnfcInfoId?: string;
  readonly perceivedSeverity?: (typeof PERCEIVED_SEVERITIES)[number];
  readonly eventType?: string;
  readonly probableCause?: string;
  readonly faultType?: string;
  readonly faultDetails?: string;
  readonly autoScaleType?: (typeof AUTO_SCALE_TYPES)[number];
  readonly aspectId?: string;
}

type StringMap = Readonly<Record<string, string>>;

function oneOf<T extends string>(values: readonly T[], v: string | undefined): v is T {
  return v !== undefined && (values as readonly string[]).includes(v);
}

/**
 * The Tacker view of an alert: undefined for a generic alert, the info for a Tacker one,
 * or a reason string when the labels break Tacker's schema (Tacker answers 400 to those too).
 */
export function tackerInfoOf(labels: StringMap, annotations: StringMap): TackerAlertInfo | string | undefined {
  if (labels.receiver_type !== 'tacker') return undefined;
  const functionType = labels.function_type;
  if (!oneOf(TACKER_FUNCTION_TYPES, functionType)) {
    return `labels.function_type must be one of ${TACKER_FUNCTION_TYPES.join(', ')} when receiver_type is tacker`;
  }
  const severity = labels.perceived_severity;
  if (severity !== undefined && !oneOf(PERCEIVED_SEVERITIES, severity)) {
    return `labels.perceived_severity must be one of ${PERCEIVED_SEVERITIES.join(', ')}`;
  }
  const scaleType = labels.auto_scale_type;
  if (scaleType !== undefined && !oneOf(AUTO_SCALE_TYPES, scaleType)) {
    return `labels.auto_scale_type must be one of ${AUTO_SCALE_TYPES.join(', ')}`;
  }
  const info: Record<string, string> = { functionType };
  const copy = (key: keyof TackerAlertInfo, value: string | undefined) => {
    if (value !== undefined) info[key] = value;
  };
  copy('vnfInstanceId', labels.vnf_instance_id);
  copy('vnfcInfoId', labels.vnfc_info_id);
  copy('perceivedSeverity', severity);
  copy('eventType', labels.event_type);
  copy('probableCause', annotations.probable_cause);
  copy('faultType', annotations.fault_type);
  copy('faultDetails', annotations.fault_details);
  copy('autoScaleType', scaleType);
  copy('aspectId', labels.aspect_id);
  return info as unknown as TackerAlertInfo;
}
