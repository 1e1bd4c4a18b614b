import { isAscii } from 'node:buffer';

/** Bytes checked at a time for being ASCII: large enough that the check costs nothing, small enough to skip most. */
const SPAN = 1024;

/**
 * The text of UTF-8 bytes, exactly as `bytes.toString('utf8')` gives it, several times faster for what vendors
 * send: ASCII with a few other characters (an accented name now and then). V8 decodes byte by byte from the first
 * non-ASCII byte to the end, so one "é" early in a page of a megabyte slows the whole page ~10×. Here spans that
 * are ASCII are copied as Latin-1 (the same characters, at memory speed) and only the others decoded.
 */
export function utf8Text(bytes: Buffer): string {
  let text = '';
  let copiedTo = 0; // the bytes before this are in `text`
  for (let at = 0; at < bytes.length;) {
    const end = Math.min(at + SPAN, bytes.length);
    if (isAscii(bytes.subarray(at, end))) {
      at = end;
      continue;
    }
    // Decoded up to a byte that starts a character (not 10xxxxxx): a decoder starts afresh there, so the
    // pieces decode as the whole would, malformed sequences (each a U+FFFD) included.
    let to = end;
    while (to < bytes.length && (bytes[to] & 0xc0) === 0x80) to++;
    text += bytes.toString('latin1', copiedTo, at) + bytes.toString('utf8', at, to);
    copiedTo = at = to;
  }
  return text + bytes.toString('latin1', copiedTo);
}
