import { utf8Text } from '../../src/platform/text/utf8-text';

/** A deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('utf8Text', () => {
  it('decodes ASCII, accented text and characters of every length across its spans', () => {
    const text = `${'a'.repeat(1020)}é€😀 ${'José Müller, '.repeat(300)}${'x'.repeat(3000)}ñ`;
    expect(utf8Text(Buffer.from(text))).toBe(text);
    expect(utf8Text(Buffer.alloc(0))).toBe('');
    expect(utf8Text(Buffer.from('\ufeff{"a":1}'))).toBe('\ufeff{"a":1}'); // a byte-order mark is kept, as toString keeps it
  });

  it('gives what toString gives for any bytes, malformed sequences and cut characters included', () => {
    const next = random(2026);
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.alloc(Math.floor(next() * 5000));
      for (let i = 0; i < bytes.length; i++) {
        // Mostly ASCII; now and then a byte of any value, so lead and continuation bytes land anywhere,
        // span boundaries (every 1,024 bytes) included.
        bytes[i] = next() < 0.995 ? 0x20 + Math.floor(next() * 0x5f) : Math.floor(next() * 256);
      }
      expect(utf8Text(bytes)).toBe(bytes.toString('utf8'));
    }
  });

  it('decodes a character cut by a span boundary whole', () => {
    for (let before = 1018; before <= 1026; before++) {
      const text = `${'a'.repeat(before)}😀€é${'b'.repeat(2000)}`;
      expect(utf8Text(Buffer.from(text))).toBe(text);
    }
  });
});
