// Runs the benchmarks: `npm run bench` runs all, `npm run bench -- <name> [...]` some;
// options after the names go to the benchmarks (`npm run bench -- ingest --soak 600`).
// Each prints its own figures; speed is measured here, never asserted in tests.
// On the embedded database unless DATABASE_URL is set (then on a fresh database there).

/** name -> what it measures, and how to load and run it. */
const BENCHES: Record<string, { about: string; run: (options: string[]) => Promise<unknown> }> = {
  notify: {
    about: 'notification delivery throughput to a local receiver (notifications/s)',
    run: async () => (await import('./notify.bench.ts')).benchNotify(),
  },
  list: {
    about: 'filtered list latency (p50/p99) over 50,000 stored rows',
    run: async () => (await import('./list-latency.bench.ts')).benchListLatency(),
  },
  predict: {
    about: 'failure-model windows scored/s for batches of 1, 100, 10,000, and training time per epoch (--epochs N)',
    run: async (options) => (await import('./predict.bench.ts')).benchPredict(options),
  },
  replay: {
    about: "the paper's replay on the shared dataset (throughput, migrations) and decision latency with 1,000 VNFs on the simulated VIM (--model DIR, --vnfs N, --hosts N, --skip-replay, --skip-latency)",
    run: async (options) => (await import('./replay.bench.ts')).benchReplay(options),
  },
  ingest: {
    about: 'collectd values/s stored end to end over HTTP vs raw COPY (real PostgreSQL; --duration S, --soak S)',
    run: async (options) => (await import('./ingest.bench.ts')).benchIngest(options),
  },
};

const argv = process.argv.slice(2);
const firstOption = argv.findIndex((a) => a.startsWith('-'));
const asked = firstOption < 0 ? argv : argv.slice(0, firstOption);
const options = firstOption < 0 ? [] : argv.slice(firstOption);
const unknown = asked.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const names = asked.length ? asked : Object.keys(BENCHES);
console.log(
  `benchmarks: ${names.join(', ')}; database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded (in memory)'}; node ${process.version}`,
);

const failed: string[] = [];
for (const name of names) {
  const bench = BENCHES[name];
  console.log(`\n== ${name}: ${bench.about}`);
  const started = performance.now();
  try {
    const result = await bench.run(options);
    if (result !== undefined) console.log(JSON.stringify(result, null, 2));
    console.log(`(${name} took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed.push(name);
    const e = err as NodeJS.ErrnoException;
    const missing = e.code === 'ERR_MODULE_NOT_FOUND' && /\.bench\.ts/.test(e.message);
    console.error(missing ? `${name}: not available yet (${e.message})` : `${name} failed: ${e.stack ?? e}`);
  }
}
if (failed.length) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
