/**
 * Our callback endpoints for Tacker's subscriptions, mounted by `serve` at /tacker-callbacks/v1:
 * `/lcm` (vnflcm v2 notifications) and `/fm` (vnffm v1 notifications). GET answers 204: the
 * test Tacker runs before it creates a subscription (SOL013 8.3.3). POST takes one notification,
 * checked whole (400 ProblemDetails otherwise, nothing changed), and answers 204.
 */
import express, { type RequestHandler, type Router } from 'express';
import { notAllowed } from '../../platform/http/not-allowed.ts';
import { UnsupportedMediaType } from '../../platform/http/problem-details.ts';
import { callbackAuthentication, type BasicCredentials } from './callback-auth.ts';
import type { TackerCallbacks } from './tacker-callbacks.service.ts';
import { parseFmNotification, parseLcmNotification } from './tacker-notifications.ts';

export interface TackerCallbackRoutesDeps {
  readonly callbacks: TackerCallbacks;
  readonly basic: BasicCredentials | undefined;
  readonly apiMode: 'none' | 'keystone' | 'oauth2';
  readonly bodyLimit: string;
}

export function tackerCallbacksRouter(deps: TackerCallbackRoutesDeps, authenticate: RequestHandler): Router {
  const router = express.Router();
  router.use(callbackAuthentication({ basic: deps.basic, authenticate, apiMode: deps.apiMode }));
  const json: RequestHandler[] = [
    (req, _res, next) => {
      if (!req.is('application/json')) throw new UnsupportedMediaType('Notifications must be sent as application/json.');
      next();
    },
    express.json({ limit: deps.bodyLimit, strict: true, type: 'application/json' }),
  ];
  const test: RequestHandler = (_req, res) => {
    res.status(204).end();
  };
  router.get('/lcm', test);
  router.get('/fm', test);
  router.post('/lcm', ...json, async (req, res) => {
    await deps.callbacks.handleLcm(parseLcmNotification(req.body));
    res.status(204).end();
  });
  router.post('/fm', ...json, async (req, res) => {
    await deps.callbacks.handleFm(parseFmNotification(req.body));
    res.status(204).end();
  });
  router.all(['/lcm', '/fm'], notAllowed('GET, POST'));
  return router;
}
