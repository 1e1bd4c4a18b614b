import { ArrayContains, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { API_KEY_SCOPES } from '../../platform/auth/scopes';

export class CreateApiKeyDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  /** `['read']` or `['read', 'admin']`. */
  @IsArray()
  @ArrayUnique({ message: 'scopes must not repeat a scope' })
  @ArrayContains(['read'], { message: 'scopes must include read' })
  @IsIn(API_KEY_SCOPES, { each: true, message: `each scope must be one of ${API_KEY_SCOPES.join(', ')}` })
  scopes!: string[];
}
