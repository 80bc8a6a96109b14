import type { Router } from 'express';
import type { Database } from '../../../platform/db/database.ts';
import { parseListQuery, sendList, type ResourceQuerySpec } from '../../../platform/sol/list-query.ts';
import { acknowledgeAlarm, AlarmNotFound, parseAlarmModifications } from '../acknowledge-alarm.ts';
import { alarmETag } from '../alarm-document.ts';
import type { AlarmRepository } from '../alarm.repository.ts';
import { notAllowed } from '../../../platform/http/not-allowed.ts';

export interface AlarmRoutesDeps {
  readonly db: Database;
  readonly alarms: AlarmRepository;
  /** Items per page of GET /alarms (0: paging off). */
  readonly pageSize: number;
  readonly publicUrl: string;
  /** Epoch milliseconds now. */
  readonly clock: () => number;
}

/**
 * SOL003 7.4.2.3.2: filters on any attribute (Tacker filters on all of them; SOL003 asks
 * for id, managedObjectId, rootCauseFaultyResource/faultyResourceType, eventType,
 * perceivedSeverity and probableCause). Nothing is excluded by default.
 */
export const ALARM_QUERY: ResourceQuerySpec = { name: 'Alarm', defaultExcluded: [], neverReturned: [] };

/** SOL003 7.4.2 Alarms and 7.4.3 Individual alarm, under /vnffm/v1. */
export function alarmRoutes(deps: AlarmRoutesDeps): (router: Router) => void {
  return (router) => {
    router.get('/alarms', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, ALARM_QUERY);
      sendList(req, res, await deps.alarms.listPage(query, deps.pageSize), deps.publicUrl);
    });
    router.all('/alarms', notAllowed('GET'));

    router.get('/alarms/:alarmId', async (req, res) => {
      const alarm = await deps.alarms.get(req.params.alarmId);
      if (!alarm) throw new AlarmNotFound(req.params.alarmId);
      res.setHeader('ETag', alarmETag(alarm));
      res.json(alarm);
    });

    // SOL003 7.4.3.3.4: the body is a merge patch; the answer is the modifications.
    router.patch('/alarms/:alarmId', async (req, res) => {
      const { ackState } = parseAlarmModifications(req.body);
      const { etag } = await acknowledgeAlarm(deps.db, deps.alarms, {
        id: req.params.alarmId,
        ackState,
        ifMatch: req.header('if-match'),
        now: new Date(deps.clock()).toISOString(),
      });
      res.setHeader('ETag', etag);
      res.status(200).json({ ackState });
    });
    router.all('/alarms/:alarmId', notAllowed('GET, PATCH'));
  };
}
