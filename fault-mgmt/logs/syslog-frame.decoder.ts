/**
 * Syslog over TCP, RFC 6587: a byte stream cut into messages. Each frame is detected on
 * its own first byte, so a sender may mix the two methods:
 * - octet counting (3.4.1): `MSG-LEN SP SYSLOG-MSG`, MSG-LEN = NONZERO-DIGIT *DIGIT;
 *   a syslog message starts with '<', so a leading digit means octet counting;
 * - non-transparent framing (3.4.2): the message ends at LF (a CR before it and a NUL
 *   trailer, which some senders use, are tolerated); empty lines are skipped.
 * Pure and incremental: feed chunks as they arrive, get whole frames back.
 */

export const MAX_FRAME_BYTES = 64 * 1024;

export class SyslogFrameError extends Error {
  override readonly name = 'SyslogFrameError';
}

const LF = 0x0a;
const NUL = 0x00;
const SP = 0x20;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

export interface SyslogFrameDecoder {
  /**
   * The complete frames the bytes so far make up and, on an oversized or invalid frame,
   * the error (the frames before it are still returned; the stream cannot go on).
   */
  push(chunk: Buffer): { frames: Buffer[]; error?: SyslogFrameError };
  /** Bytes held for an incomplete frame. */
  readonly pending: number;
  /** At the end of the stream: a last LF-framed message without its LF, if any (RFC 6587 3.4.2 senders may close instead). */
  end(): Buffer[];
}

export function createSyslogFrameDecoder(maxFrame = MAX_FRAME_BYTES): SyslogFrameDecoder {
  let buf: Buffer = Buffer.alloc(0);
  // For a long LF-framed message: where the LF search resumes, so each byte is scanned once.
  let scanned = 0;

  function nextFrame(): Buffer | null | undefined {
    // returns a frame, null when more bytes are needed, undefined for a skipped empty line
    if (buf.length === 0) return null;
    if (isDigit(buf[0])) {
      let i = 0;
      while (i < buf.length && isDigit(buf[i])) i++;
      if (i > 6 || buf[0] === 0x30) throw new SyslogFrameError(`invalid octet count '${buf.subarray(0, Math.min(i, 8)).toString('latin1')}'`);
      if (i === buf.length) return null;
      if (buf[i] !== SP) throw new SyslogFrameError('octet count not followed by a space');
      const len = Number(buf.subarray(0, i).toString('latin1'));
      if (len > maxFrame) throw new SyslogFrameError(`frame of ${len} octets exceeds ${maxFrame}`);
      if (buf.length < i + 1 + len) return null;
      const frame = buf.subarray(i + 1, i + 1 + len);
      buf = buf.subarray(i + 1 + len);
      return frame;
    }
    const lf = buf.indexOf(LF, scanned);
    if (lf < 0) {
      scanned = buf.length;
      if (buf.length > maxFrame) throw new SyslogFrameError(`line longer than ${maxFrame} octets without LF`);
      return null;
    }
    scanned = 0;
    if (lf > maxFrame + 1) throw new SyslogFrameError(`line longer than ${maxFrame} octets`);
    const frame = trimTrailer(buf.subarray(0, lf));
    buf = buf.subarray(lf + 1);
    return frame.length > 0 ? frame : undefined;
  }

  return {
    push(chunk: Buffer): { frames: Buffer[]; error?: SyslogFrameError } {
      // Copy: frames are handed out as views, and the socket may reuse its chunk.
      buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
      const frames: Buffer[] = [];
      try {
        for (;;) {
          const f = nextFrame();
          if (f === null) break;
          if (f) frames.push(f);
        }
      } catch (err) {
        if (!(err instanceof SyslogFrameError)) throw err;
        buf = Buffer.alloc(0);
        return { frames, error: err };
      }
      if (buf.length === 0) buf = Buffer.alloc(0);
      return { frames };
    },
    get pending() {
      return buf.length;
    },
    end(): Buffer[] {
      const rest = buf.length > 0 && !isDigit(buf[0]) ? trimTrailer(buf) : Buffer.alloc(0);
      buf = Buffer.alloc(0);
      scanned = 0;
      return rest.length > 0 ? [rest] : [];
    },
  };
}

function trimTrailer(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0x0d || b[end - 1] === NUL)) end--;
  // a NUL-terminated sender puts the NUL before the next message, i.e. at the start
  let start = 0;
  while (start < end && b[start] === NUL) start++;
  return b.subarray(start, end);
}
