import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSyslogFrameDecoder, MAX_FRAME_BYTES, SyslogFrameError } from '../../fault-mgmt/logs/syslog-frame.decoder.ts';

const A = '<13>1 - h app - - - T3413 expired -- Could not page the ue.';
const B = '<14>Nov 25 18:00:00 h kernel: Out of memory: Killed process 1 (init)';

/** Feeds `parts` one by one and returns all frames as text. */
function decode(parts: (string | Buffer)[], max = MAX_FRAME_BYTES): string[] {
  const d = createSyslogFrameDecoder(max);
  const out: string[] = [];
  for (const p of parts) {
    const { frames, error } = d.push(Buffer.isBuffer(p) ? p : Buffer.from(p));
    for (const f of frames) out.push(f.toString('utf8'));
    if (error) throw error;
  }
  for (const f of d.end()) out.push(f.toString('utf8'));
  return out;
}

const octet = (msg: string) => `${Buffer.byteLength(msg)} ${msg}`;

describe('RFC 6587 3.4.1 octet counting', () => {
  test('frames back to back in one chunk', () => {
    assert.deepEqual(decode([octet(A) + octet(B)]), [A, B]);
  });

  test('a frame split across chunks at every possible byte', () => {
    const wire = Buffer.from(octet(A) + octet(B));
    for (let cut = 1; cut < wire.length; cut++) {
      assert.deepEqual(decode([wire.subarray(0, cut), wire.subarray(cut)]), [A, B], `cut at ${cut}`);
    }
  });

  test('byte at a time, multi-byte UTF-8 counted in octets, LF inside a frame kept', () => {
    const msg = '<13>1 - h app - - - \ufeffgrüße\nzweite Zeile';
    const wire = Buffer.from(octet(msg));
    const parts = [...wire].map((b) => Buffer.from([b]));
    assert.deepEqual(decode(parts), [msg]);
  });

  test('an incomplete frame is held, not emitted', () => {
    const d = createSyslogFrameDecoder();
    assert.deepEqual(d.push(Buffer.from('59 <13>1 - h')), { frames: [] });
    assert.equal(d.pending, 12);
    assert.deepEqual(d.end(), [], 'a cut octet-counted frame is not a message');
  });
});

describe('RFC 6587 3.4.2 non-transparent framing', () => {
  test('LF-terminated lines, CRLF and NUL trailers tolerated, empty lines skipped', () => {
    assert.deepEqual(decode([`${A}\n${B}\r\n\n\n${A}\0\n`]), [A, B, A]);
  });

  test('a line split across chunks; the last line without LF is kept at end of stream', () => {
    assert.deepEqual(decode([A.slice(0, 10), A.slice(10) + '\n' + B.slice(0, 5), B.slice(5)]), [A, B]);
  });

  test('a message may start with digits only in octet-counting framing', () => {
    assert.throws(() => decode(['12345678 x\n']), SyslogFrameError);
  });
});

describe('mixed framing is detected per frame', () => {
  test('octet-counted, then LF, then octet-counted', () => {
    assert.deepEqual(decode([octet(A) + `${B}\n` + octet(B) + `${A}\n`]), [A, B, B, A]);
  });
});

describe('oversize and invalid frames', () => {
  test('frames before a bad one are still returned with the error', () => {
    const d = createSyslogFrameDecoder();
    const { frames, error } = d.push(Buffer.from(`${A}\n${octet(B)}99999999 x`));
    assert.deepEqual(frames.map((f) => f.toString()), [A, B]);
    assert.ok(error instanceof SyslogFrameError);
  });

  test('an octet count above the limit is refused before the bytes arrive', () => {
    const d = createSyslogFrameDecoder();
    assert.match(d.push(Buffer.from(`${MAX_FRAME_BYTES + 1} <13>`)).error?.message ?? '', /exceeds 65536/);
  });

  test('a frame of exactly the limit passes', () => {
    const msg = '<13>1 - h a - - - ' + 'x'.repeat(MAX_FRAME_BYTES - 19);
    assert.equal(Buffer.byteLength(msg), MAX_FRAME_BYTES - 1);
    assert.deepEqual(decode([octet(msg)]), [msg]);
  });

  test('an LF-framed line longer than the limit is refused while it streams in', () => {
    const d = createSyslogFrameDecoder(1000);
    assert.deepEqual(d.push(Buffer.from('<13>' + 'x'.repeat(900))), { frames: [] });
    assert.match(d.push(Buffer.from('x'.repeat(200))).error?.message ?? '', /longer than 1000 octets/);
  });

  test('an LF-framed line longer than the limit arriving whole is refused', () => {
    assert.throws(() => decode(['<13>' + 'x'.repeat(2000) + '\n'], 1000), /longer than 1000 octets/);
  });

  test('malformed counts', () => {
    assert.throws(() => decode(['0 \n']), /invalid octet count '0'/);
    assert.throws(() => decode(['12x<13>']), /not followed by a space/);
    assert.throws(() => decode(['1234567 ']), /invalid octet count/);
  });
});
