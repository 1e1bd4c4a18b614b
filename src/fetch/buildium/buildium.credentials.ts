import { IsNotEmpty, IsString } from 'class-validator';

/** docs/vendors/buildium.md: `{ "clientId": "...", "secret": "..." }`. */
export class BuildiumCredentials {
  @IsString()
  @IsNotEmpty()
  clientId!: string;

  @IsString()
  @IsNotEmpty()
  secret!: string;
}
