import type { Request, Response } from 'express';
import { MethodNotAllowed } from '../../../platform/http/problem-details.ts';

/** 405 with Allow, for methods a resource does not serve (SOL013 6.4). */
export function notAllowed(allow: string) {
  return (req: Request, res: Response) => {
    res.setHeader('Allow', allow);
    throw new MethodNotAllowed(`Method ${req.method} is not supported on this resource.`);
  };
}
