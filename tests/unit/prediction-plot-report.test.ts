import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { eventMetrics } from '../../prediction/evaluation/event-metrics.ts';
import { formatReportTable, scorerSummary } from '../../prediction/evaluation/report-table.ts';
import { escapeXml, renderScorePlot, writeScorePlot, type ScorePlotInput } from '../../prediction/evaluation/score-plot.ts';

/**
 * Minimal well-formedness check: one root, every tag closed in order, attributes quoted,
 * no stray '<' or unescaped '&' in text. Returns the element names in document order.
 */
function parseXml(xml: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    assert.doesNotMatch(text, /&(?!(lt|gt|amp|quot|apos);)/, `unescaped & in ${JSON.stringify(text)}`);
    if (stack.length === 0) assert.match(text, /^\s*$/, 'text outside the root element');
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    assert.ok(m, `malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [whole, closing, name, attrs, selfClosing] = m;
    assert.doesNotMatch(attrs, /&(?!(lt|gt|amp|quot|apos);)/, `unescaped & in attributes of ${name}`);
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    } else {
      if (stack.length === 0) roots++;
      names.push(name);
      if (!selfClosing) stack.push(name);
    }
    i = lt + whole.length;
  }
  assert.equal(stack.length, 0, `unclosed: ${stack.join(',')}`);
  assert.equal(roots, 1, 'exactly one root element');
  return names;
}

function plotInput(n = 400): ScorePlotInput & { score: number[] } {
  const time = Array.from({ length: n }, (_, i) => Date.UTC(2021, 5, 5, 0, 0, 10) / 1000 + 5 * i);
  const failure = time.map((_, i) => ((i >= 50 && i < 60) || (i >= 200 && i < 320) || i >= 395 ? 1 : 0));
  const score = time.map((_, i) => (i % 97 === 0 ? NaN : Math.abs(Math.sin(i / 20))));
  const longProbability = time.map((_, i) => (i > 190 ? 0.8 : 0.1));
  return { time, failure, score, longProbability, threshold: 0.7, longThreshold: 0.5 };
}

describe('score plot', () => {
  test('is well-formed SVG with one shaded band per failure run', () => {
    const svg = renderScorePlot({ ...plotInput(), title: 'host <a> & "b"' });
    const names = parseXml(svg);
    assert.equal(names[0], 'svg');
    assert.equal(svg.match(/<rect class="failure"/g)?.length, 3);
    assert.equal(svg.match(/<line class="threshold"/g)?.length, 2);
    assert.equal(svg.match(/<path class="series"/g)?.length, 2);
    assert.ok(svg.includes('host &lt;a&gt; &amp; &quot;b&quot;'));
    assert.ok(svg.includes('>00:05<'), 'UTC time labels');
  });

  test('keeps long traces small and draws overlays and empty input', () => {
    const big = plotInput(20_000);
    const svg = renderScorePlot({ ...big, width: 800, extra: [{ name: 'rule', values: big.score.map((v) => v / 2) }] });
    parseXml(svg);
    assert.ok(svg.length < 400_000, `svg is ${svg.length} bytes`);
    assert.equal(svg.match(/<path class="series"/g)?.length, 3);
    assert.ok(svg.includes('>rule<'));
    const empty = renderScorePlot({ time: [], failure: [], score: [] });
    parseXml(empty);
    assert.equal(empty.match(/<rect class="failure"/g), null);
    assert.throws(() => renderScorePlot({ ...plotInput(), extra: [{ name: 'x', values: [1] }] }), /series x has 1 values/);
  });

  test('breaks the lines at NaN scores and at pauses in the trace', () => {
    const time = [0, 5, 10, 15, 615, 620, 625].map((t) => 1_700_000_000 + t);
    const paths = (score: number[]): string[] =>
      [...renderScorePlot({ time, failure: time.map(() => 0), score }).matchAll(/<path class="series" d="([^"]*)"/g)].map((m) => m[1]);
    const [joined] = paths([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    assert.equal(joined.match(/M/g)?.length, 2, 'the 600 s pause splits the line');
    const [broken] = paths([0.1, NaN, 0.3, 0.4, 0.5, 0.6, 0.7]);
    assert.equal(broken.match(/M/g)?.length, 3);
  });

  test('writes the file, creating its directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'score-plot-'));
    try {
      const path = join(dir, 'nested', 'score.svg');
      await writeScorePlot(path, plotInput());
      assert.equal(await readFile(path, 'utf8'), renderScorePlot(plotInput()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('escapes all XML specials', () => {
    assert.equal(escapeXml(`<&>"'`), '&lt;&amp;&gt;&quot;&apos;');
  });
});

describe('report table', () => {
  const input = plotInput();
  const at = (t: number) => eventMetrics(input, t);
  const rows = [
    { name: 'lstm-v1', rocAuc: 0.91234, prAuc: 0.5, metrics: at(0.7), own: true },
    { name: 'lstm-v1', rocAuc: 0.91234, prAuc: 0.5, metrics: at(0.9) },
    { name: 'rule', rocAuc: null, prAuc: null, metrics: eventMetrics({ ...input, longProbability: undefined }, 0.5) },
  ];

  test('aligns one line per scorer and threshold, with the legend', () => {
    const text = formatReportTable(rows);
    const lines = text.split('\n');
    assert.match(lines[0], /^scorer\s+thr\s+ROC-AUC\s+PR-AUC\s+runs\s+rec@2\s+rec@6\s+rec@12/);
    assert.match(lines[1], /^-+( +-+)+$/);
    assert.match(lines[2], /^lstm-v1\s+0\.70\*\s+0\.912\s+0\.500\s+3\s/);
    assert.match(lines[3], /^lstm-v1\s+0\.90\s/);
    assert.match(lines[4], /^rule\s+0\.50\s+-\s+-\s+3\s/);
    // numbers are right-aligned under their titles
    const end = lines[0].indexOf('ROC-AUC') + 'ROC-AUC'.length;
    assert.equal(lines[2].slice(end - 5, end), '0.912');
    assert.equal(lines[4].slice(end - 2, end), ' -');
    const titles = lines[0].split(/\s{2,}/);
    const cells = (line: string): Record<string, string> =>
      Object.fromEntries(line.trim().split(/\s{2,}/).map((c, j) => [titles[j], c]));
    // 1 long run (120 rows), flagged: long prob 0.8 from row 191 on; the rule has no long probability
    assert.equal(cells(lines[2])['long flagged'], '1/1');
    assert.equal(cells(lines[4])['long flagged'], '-');
    assert.equal(cells(lines[4])['short alarmed'], '2/2');
    assert.equal(cells(lines[2]).thr, '0.70*');
    assert.ok(text.includes('long = runs of >= 100 steps'));
    assert.equal(formatReportTable([]), '(no results)\n');
  });

  test('summarises a scorer with the keys evaluate --json prints', () => {
    const sum = scorerSummary(rows[0]);
    assert.deepEqual(Object.keys(sum).slice(0, 6), ['threshold', 'rocAuc', 'prAuc', 'falseAlarmsPerHour', 'events', 'medianLeadSteps']);
    assert.deepEqual(Object.keys(sum.events.short), ['total', 'warned2', 'warned6', 'warned12', 'alarmed', 'flaggedLong']);
    assert.deepEqual(Object.keys(sum.events.long), ['total', 'warned2', 'warned6', 'warned12', 'flaggedLong']);
    assert.equal(sum.threshold, 0.7);
    assert.ok(!('runs' in sum));
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(sum)));
  });
});
