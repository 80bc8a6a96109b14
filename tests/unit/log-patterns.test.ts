import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../platform/config/config.ts';
import { MAX_MATCHED_CHARS } from '../../fault-mgmt/logs/log-pattern.catalogue.ts';
import { loadPatternCatalogue } from '../../fault-mgmt/logs/pattern-catalogue.ts';

const builtIn = loadPatternCatalogue();
const dir = mkdtempSync(join(tmpdir(), 'log-patterns-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function patternsFile(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

describe('built-in patterns, matched on the body whatever the prefix', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['paging_timeout', '2021-06-05T00:01:23.595575 [NAS    ] [I] T3413 expired -- Could not page the ue.', {}],
    ['paging_timeout', 'T3413 expired -- Could not page the ue.', {}],
    ['paging_timeout', '1622818840\tT3413 expired -- Could not page the ue.', {}],
    [
      'paging_timeout',
      '06/05 09:01:23.595: [emm] WARNING: Paging to IMSI[001010000000001] failed. Stop paging (../src/mme/emm-sm.c:1349)',
      { imsi: '001010000000001' },
    ],
    ['paging_timeout', 'mme[812]: Paging to IMSI[] failed. Stop paging', { imsi: '' }],
    [
      'ddn_failure',
      '2021-06-05T00:01:23.595601 [MME GTPC] [I] Downlink Data Notification Failure Indication -- SP-GW control teid 1',
      { teid: '1' },
    ],
    ['ddn_failure', '[MME GTPC] [I] Received Downlink Data Notification Failure Indication', {}],
    ['ddn_failure', 'Downlink Data Notification Failure Indication, teid=0x1a2b', { teid: '0x1a2b' }],
    ['s1ap_broken_pipe', '2021-06-05T00:05:01.000123 [S1AP   ] [E] Failed to send S1AP PDU. Error: Broken pipe ', {}],
    ['s1ap_broken_pipe', 'Failed to send S1AP PDU. Error: Broken pipe', {}],
    [
      's1ap_broken_pipe',
      '06/05 09:05:01.000: [sctp] ERROR: ogs_sctp_sendmsg(len:59,ssn:0) failed (32:Broken pipe) (../lib/sctp/ogs-lksctp.c:315)',
      {},
    ],
    [
      'oom_kill',
      '[12345.678901] Out of memory: Killed process 4321 (srsepc) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:80kB oom_score_adj:0',
      { pid: '4321', process: 'srsepc' },
    ],
    [
      'oom_kill',
      'kernel: [ 8123.456] Out of memory: Kill process 1234 (mysqld) score 906 or sacrifice child',
      { pid: '1234', process: 'mysqld' },
    ],
    ['oom_kill', 'Memory cgroup out of memory: Killed process 99 (stress-ng-vm) total-vm:10kB', { pid: '99', process: 'stress-ng-vm' }],
  ];
  for (const [type, line, attrs] of cases) {
    test(`${type}: ${line.slice(0, 70)}`, () => {
      assert.deepEqual(builtIn.match(line), { type, attrs });
    });
  }

  test('unrelated lines and near misses match nothing', () => {
    for (const line of [
      '',
      '2021-06-05T00:01:23.595575 [NAS    ] [I] Received Service Request',
      'T3413 started',
      'Failed to send S1AP PDU. Error: Connection reset by peer',
      'Out of memory: Kill process (no pid)',
      '(104:Connection reset by peer)',
    ]) {
      assert.equal(builtIn.match(line), undefined, line);
    }
  });

  test('lines are cut at 8 KiB before matching: text beyond that is not seen', () => {
    const pad = 'x'.repeat(MAX_MATCHED_CHARS);
    assert.equal(builtIn.match(pad + 'T3413 expired -- Could not page the ue.'), undefined);
    assert.equal(builtIn.match(pad.slice(100) + 'T3413 expired -- Could not page the ue.')?.type, 'paging_timeout');
  });

  test('a long line of near misses is answered (no catastrophic backtracking)', () => {
    const line = 'Downlink Data Notification Failure Indication ' + 'teid '.repeat(2000);
    assert.equal(builtIn.match(line)?.type, 'ddn_failure');
  });
});

describe('custom patterns file', () => {
  test('entries add event types with named groups as attrs, after the built-ins', () => {
    const file = patternsFile(
      'ok.yaml',
      [
        '- type: sctp_shutdown',
        "  regex: 'SCTP SHUTDOWN from eNB (?<enb>\\S+)'",
        '- type: paging_any',
        '  regex: paging',
        '  flags: i',
        '- type: shadowed',
        "  regex: 'T3413'",
      ].join('\n'),
    );
    const cat = loadPatternCatalogue(file);
    assert.deepEqual(cat.match('[S1AP] [W] SCTP SHUTDOWN from eNB 0x19B'), { type: 'sctp_shutdown', attrs: { enb: '0x19B' } });
    assert.deepEqual(cat.match('Start PAGING ue'), { type: 'paging_any', attrs: {} });
    // First match wins and the built-ins come first.
    assert.equal(cat.match('T3413 expired -- Could not page the ue.')?.type, 'paging_timeout');
    assert.equal(cat.match('T3413 started')?.type, 'shadowed');
    assert.equal(cat.patterns.length, builtIn.patterns.length + 3);
  });

  test('a mapping with `patterns:` and an empty file are accepted', () => {
    const cat = loadPatternCatalogue(patternsFile('map.yaml', 'patterns:\n  - {type: x1, regex: abc}\n'));
    assert.equal(cat.match('xxabcxx')?.type, 'x1');
    assert.equal(loadPatternCatalogue(patternsFile('empty.yaml', '')).patterns.length, builtIn.patterns.length);
  });

  const bad: [string, string, RegExp][] = [
    ['bad type', '- {type: Paging-Fail, regex: abc}', /entry 1: type must match \[a-z\]\[a-z0-9_\]\*, got "Paging-Fail"/],
    ['missing regex', '- {type: ok_type}\n- {type: second, regex: "("}', /entry 1: type ok_type: regex must be a non-empty string; entry 2: type second: regex does not compile/],
    ['bad flags', '- {type: a, regex: abc, flags: g}', /entry 1: type a: flags may only contain i, m, s, u/],
    ['unknown key', '- {type: a, regex: abc, severity: 3}', /entry 1: type a: unknown key\(s\) severity/],
    ['matches everything', '- {type: a, regex: ".*"}', /entry 1: type a: regex matches the empty string/],
    ['not a list', 'type: a\nregex: b\n', /expected a list of \{type, regex, flags\?\}/],
    ['entry not a mapping', '- just a string', /entry 1: expected a mapping/],
    ['invalid YAML', '- {type: a, regex: [unclosed', /cannot read it/],
  ];
  for (const [name, yaml, message] of bad) {
    test(`rejected with the file and entry named: ${name}`, () => {
      const file = patternsFile(`${name.replace(/\W/g, '_')}.yaml`, yaml);
      assert.throws(
        () => loadPatternCatalogue(file),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.ok(err.message.startsWith(`log patterns file ${file}: `), err.message);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }

  test('a missing file is a clear error', () => {
    assert.throws(() => loadPatternCatalogue(join(dir, 'nope.yaml')), /log patterns file .*nope\.yaml: cannot read it: ENOENT/);
  });
});
