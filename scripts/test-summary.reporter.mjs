// A node:test reporter that writes one JSON summary at the end: counts of passed,
// failed and skipped tests (suites count only when skipped whole) and every skip with
// its reason, so that scripts/run-tests.mjs can print why real-service tests did not run.
export default async function* summaryReporter(source) {
  const summary = { passed: 0, failed: 0, skipped: 0, todo: 0, skips: [], failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    const skipped = data.skip !== undefined && data.skip !== false;
    if (skipped) {
      // A skipped suite counts once: its tests never ran.
      summary.skipped += 1;
      summary.skips.push({ file: data.file, name: data.name, reason: data.skip === true ? '(no reason given)' : data.skip });
      continue;
    }
    if (data.details?.type === 'suite') {
      // A suite fails on its own only when its body throws outside any test.
      if (event.type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed') {
        summary.failed += 1;
        summary.failures.push({ file: data.file, name: data.name });
      }
      continue;
    }
    if (data.todo !== undefined && data.todo !== false) {
      summary.todo += 1;
    } else if (event.type === 'test:pass') {
      summary.passed += 1;
    } else if (data.details?.error?.failureType !== 'subtestsFailed') {
      summary.failed += 1;
      summary.failures.push({ file: data.file, name: data.name });
    }
  }
  yield JSON.stringify(summary);
}
