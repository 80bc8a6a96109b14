// Entry of the collectd decode worker. A worker thread does not inherit the TypeScript
// loader that bin/vnfm-plugin.js registers through tsx's API, so it registers its own.
import { register } from 'tsx/esm/api';

register();
await import('./collectd-decode.worker.ts');
