/**
 * The measurements PM jobs and thresholds can ask for, by ETSI GS NFV-IFA 027 measurement
 * name, and how each is computed from the monitoring store. The VNF-level values combine the
 * VNF's VMs (one per VNFC): a mean is the mean of the VMs' means, a peak the highest peak.
 * `VFailureScoreVnf` is ours (IFA 027 7.1 lets vendors add measurements): the predicted
 * probability, 0..1, that a host failure hits the VNF (or VNFC) within the model's horizon.
 */

/** SOL003 6.5.2 measured object types we serve (Tacker OBJ_TYPE_TO_METRIC_LIST: Vnf and Vnfc). */
export const PM_OBJECT_TYPES = ['Vnf', 'Vnfc'] as const;
export type PmObjectType = (typeof PM_OBJECT_TYPES)[number];

export type MeasurementSource =
  | { readonly kind: 'gauge'; readonly metric: 'cpu_util' | 'mem_util'; readonly agg: 'mean' | 'max' }
  | { readonly kind: 'failureScore' };

export interface Measurement {
  readonly name: string;
  readonly source: MeasurementSource;
  /** IFA 027 measurement group (criteria.performanceMetricGroup). */
  readonly group: string;
}

export const FAILURE_SCORE_MEASUREMENT = 'VFailureScoreVnf';

export const MEASUREMENTS: readonly Measurement[] = [
  { name: 'VCpuUsageMeanVnf', source: { kind: 'gauge', metric: 'cpu_util', agg: 'mean' }, group: 'VirtualisedComputeResource' },
  { name: 'VCpuUsagePeakVnf', source: { kind: 'gauge', metric: 'cpu_util', agg: 'max' }, group: 'VirtualisedComputeResource' },
  { name: 'VMemoryUsageMeanVnf', source: { kind: 'gauge', metric: 'mem_util', agg: 'mean' }, group: 'VirtualisedComputeResource' },
  { name: 'VMemoryUsagePeakVnf', source: { kind: 'gauge', metric: 'mem_util', agg: 'max' }, group: 'VirtualisedComputeResource' },
  { name: FAILURE_SCORE_MEASUREMENT, source: { kind: 'failureScore' }, group: 'VnfFailurePrediction' },
];

export const MEASUREMENT_GROUPS: readonly string[] = [...new Set(MEASUREMENTS.map((m) => m.group))];

const BY_NAME = new Map(MEASUREMENTS.map((m) => [m.name, m]));

/**
 * A performanceMetric as requested: the measurement name, optionally followed by `.` and the
 * id of the one object (or sub-object) instance it is about, as Tacker writes it
 * (`VCpuUsageMeanVnf.<vnfInstanceId>`).
 */
export interface RequestedMetric {
  /** As given; reports and notifications echo it. */
  readonly performanceMetric: string;
  readonly measurement: Measurement;
  readonly onlyFor?: string;
}

/** The requested metric, or why it is not served. */
export function parsePerformanceMetric(text: string): RequestedMetric | string {
  const dot = text.indexOf('.');
  const name = dot < 0 ? text : text.slice(0, dot);
  const measurement = BY_NAME.get(name);
  if (!measurement) return `performanceMetric ${JSON.stringify(text)} is not served; use one of ${MEASUREMENTS.map((m) => m.name).join(', ')}`;
  const onlyFor = dot < 0 ? undefined : text.slice(dot + 1);
  if (onlyFor === '') return `performanceMetric ${JSON.stringify(text)} has an empty instance after '.'`;
  return { performanceMetric: text, measurement, ...(onlyFor !== undefined && { onlyFor }) };
}

/** The measurements of a group (criteria.performanceMetricGroup), or undefined for an unknown group. */
export function measurementsOfGroup(group: string): RequestedMetric[] | undefined {
  const ms = MEASUREMENTS.filter((m) => m.group === group);
  return ms.length ? ms.map((m) => ({ performanceMetric: m.name, measurement: m })) : undefined;
}

/** Whether a requested metric applies to this object (and sub-object) instance. */
export function appliesTo(metric: RequestedMetric, objectInstanceId: string, subObjectInstanceId?: string): boolean {
  return metric.onlyFor === undefined || metric.onlyFor === objectInstanceId || metric.onlyFor === subObjectInstanceId;
}
