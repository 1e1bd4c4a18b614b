import { IsString, Matches, MinLength, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { validationAppError } from '../../src/platform/common/errors/validation-errors';

class Body {
  @IsString()
  @Matches(/^whsec_/, { message: 'secret $value must start with whsec_' })
  secret!: string;

  @IsString({ each: true, message: 'each token must be a string, got $value' })
  @MinLength(100, { each: true, message: '$value is too short' })
  tokens!: string[];
}

describe('validation errors', () => {
  it('name each bad field but never repeat the value, even when a message asks for $value', () => {
    const instance = plainToInstance(Body, { secret: 'plaintext-password', tokens: ['token-one-secret'] });
    const error = validationAppError(validateSync(instance), 'body');
    const shown = JSON.stringify({ message: error.message, details: error.details });
    expect(Object.keys((error.details as { fields: object }).fields).sort()).toEqual(['secret', 'tokens']);
    expect(shown).not.toContain('plaintext-password');
    expect(shown).not.toContain('token-one-secret');
    expect(shown).toContain('[redacted]');
  });
});
