#!/usr/bin/env node
// Entry point of the `vnfm-plugin` command: TypeScript sources run through tsx,
// so `npx vnfm-plugin ...` works right after `npm ci` without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../vnfm-plugin/cli.ts');
