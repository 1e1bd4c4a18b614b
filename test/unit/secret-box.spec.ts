import fs from 'node:fs';
import path from 'node:path';
import { encryptionKeyId, SecretBox, UnknownEncryptionKeyError } from '../../src/platform/common/crypto/secret-box';
import { SEALED_COLUMNS } from '../../src/platform/common/crypto/secret-reencryption';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const KEY_C = Buffer.alloc(32, 3).toString('base64');

describe('SecretBox with key rotation', () => {
  it('seals with the current key only and opens with current and previous keys', () => {
    const old = new SecretBox(KEY_A);
    const sealedWithA = old.seal('vendor-password');
    const rotated = new SecretBox(KEY_B, [KEY_A]);
    expect(rotated.keyId).toBe(encryptionKeyId(KEY_B));
    expect(rotated.open(sealedWithA)).toBe('vendor-password');
    const sealed = rotated.seal('new-secret');
    expect(sealed.split('.')[1]).toBe(encryptionKeyId(KEY_B));
    expect(rotated.open(sealed)).toBe('new-secret');
    // A previous key never seals, and the old box cannot open what the new key sealed.
    expect(() => old.open(sealed)).toThrow(UnknownEncryptionKeyError);
  });

  it('re-seals a value under the current key, keeping the plaintext', () => {
    const sealedWithA = new SecretBox(KEY_A).sealJson({ clientId: 'c', secret: 's' });
    const rotated = new SecretBox(KEY_B, [KEY_A]);
    const resealed = rotated.reseal(sealedWithA);
    expect(resealed.split('.')[1]).toBe(rotated.keyId);
    expect(new SecretBox(KEY_B).openJson(resealed)).toEqual({ clientId: 'c', secret: 's' });
  });

  it('names the unknown key id, never the value, when a value was sealed with a key it does not have', () => {
    const sealedWithC = new SecretBox(KEY_C).seal('top-secret-credential');
    let error: unknown;
    try {
      new SecretBox(KEY_B, [KEY_A]).open(sealedWithC);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownEncryptionKeyError);
    expect((error as Error).message).toContain(encryptionKeyId(KEY_C));
    expect((error as Error).message).toContain('LATCHKEY_PREVIOUS_ENCRYPTION_KEYS');
    expect((error as Error).message).not.toContain('top-secret-credential');
  });

  it('rejects a tampered value', () => {
    const box = new SecretBox(KEY_A);
    const [v, id, iv, tag, ct] = box.seal('secret').split('.');
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] = flipped[0] ^ 1;
    expect(() => box.open([v, id, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });

  it('re-encryption covers every *_encrypted column of the schema', () => {
    const schema = fs.readFileSync(path.join(__dirname, '../../prisma/schema.prisma'), 'utf8');
    const found: string[] = [];
    for (const model of schema.matchAll(/^model \w+ \{([\s\S]*?)^\}/gm)) {
      const table = /@@map\("([^"]+)"\)/.exec(model[1])?.[1];
      for (const field of model[1].matchAll(/^\s+(\w+_encrypted)\s/gm)) found.push(`${table}.${field[1]}`);
    }
    expect(found.length).toBeGreaterThan(0);
    expect(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`).sort()).toEqual(found.sort());
  });
});
