import type { RequestHandler } from 'express';
import { MethodNotAllowed } from './problem-details.ts';

/** 405 with Allow for the methods a resource does not serve (SOL013 6.4). */
export function notAllowed(allow: string): RequestHandler {
  return (req, res) => {
    res.setHeader('Allow', allow);
    throw new MethodNotAllowed(`Method ${req.method} is not supported on this resource.`);
  };
}
