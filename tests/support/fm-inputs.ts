import type { FailureScoreEntry } from '../../fault-mgmt/fm/correlation-inputs.ts';
import type { EventRow } from '../../fault-mgmt/monitoring.types.ts';
import type { NormalisedAlert } from '../../fault-mgmt/alertmanager/alertmanager-webhook.parser.ts';
import type { RegistryEntity } from '../../fault-mgmt/registry/registry-entity.ts';

/** A VNF instance with one VNFC in one VM on compute-a, as the entity registry holds it. */
export const VNF_ID = '7a1f8c29-9113-4d0c-b903-115730b32fbb';
export const SERVER_ID = '4b3c1e36-52f3-4d6f-9d7a-0c1e2f3a4b5c';
export const VNFC_ID = `VDU1-${SERVER_ID}`;
export const OTHER_VNF_ID = 'c70aaf4f-bc94-44aa-9de5-861909b0efa0';

export const FM_ENTITIES: RegistryEntity[] = [
  { kind: 'host', name: 'compute-a' },
  { kind: 'vm', id: SERVER_ID, name: 'epc-vm-1', host: 'compute-a' },
  { kind: 'vnf', id: VNF_ID, name: 'vepc' },
  { kind: 'vnfc', id: VNFC_ID, vnfInstanceId: VNF_ID, vm: SERVER_ID },
];

const T0 = Date.parse('2026-11-25T15:00:00Z');

/** Window `i` (5 s steps from T0), RFC 3339. */
export const windowTs = (i: number) => new Date(T0 + i * 5000).toISOString();

/** One scoring round as prediction publishes it: the VNF's own score and its VNFC's. */
export function scoringRound(i: number, score: number, vnf = VNF_ID): FailureScoreEntry[] {
  const common = { host: 'compute-a', longProbability: 0.2, threshold: 0.5, horizonSeconds: 60, modelId: 'model-1', ts: windowTs(i) };
  return [
    { vnfInstanceId: vnf, failureScore: score, ...common },
    ...(vnf === VNF_ID ? [{ vnfInstanceId: vnf, vnfcInstanceId: VNFC_ID, vm: SERVER_ID, failureScore: score, ...common }] : []),
  ];
}

/** Monitoring events of a VM of the VNF (placed by the registry, as syslog events are). */
export function vmEvents(type: 's1ap_broken_pipe' | 'oom_kill', times: number[]): EventRow[] {
  return times.map((ts) => ({ ts, type, count: 1, source: 'syslog', vm: SERVER_ID, host: 'compute-a', ...(type === 'oom_kill' && { attrs: { process: 'srsepc' } }) }));
}

/** A Tacker-style vnffm alert as monitoring publishes it on monitoring.alerts. */
export function vnffmAlert(over: Partial<NormalisedAlert> & { severity?: string; probableCause?: string; vnfcInfoId?: string } = {}): NormalisedAlert {
  const { severity = 'WARNING', probableCause = 'T3413 expired', vnfcInfoId = VNFC_ID, ...rest } = over;
  const status = rest.status ?? 'firing';
  return {
    fingerprint: 'fc423d329e759d9e',
    status,
    startsAt: '2026-11-25T15:18:08.255021Z',
    endsAt: status === 'resolved' ? '2026-11-25T15:20:08.000000Z' : null,
    labels: { alertname: 'VnfFmAlarm', receiver_type: 'tacker', function_type: 'vnffm', vnf_instance_id: VNF_ID },
    annotations: { probable_cause: probableCause, fault_type: 'Server Down', fault_details: 'x' },
    receiver: 'vnfm',
    generatorURL: null,
    functionType: 'vnffm',
    vnfInstanceId: VNF_ID,
    tacker: {
      functionType: 'vnffm', vnfInstanceId: VNF_ID, vnfcInfoId, perceivedSeverity: severity as 'WARNING',
      eventType: 'PROCESSING_ERROR_ALARM', probableCause, faultType: 'Server Down', faultDetails: 'x',
    },
    ...rest,
  };
}
