import { IsIn, IsOptional } from 'class-validator';

/** Query of POST and PUT writes: `ignore_unknown_fields=true` drops fields the vendor cannot write instead of a 400. */
export class WriteQueryDto {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'ignore_unknown_fields must be true or false' })
  ignore_unknown_fields?: string;
}
