import { IsNotEmpty, IsString } from 'class-validator';

/** docs/vendors/propertyware-rest.md: `{ "clientId": "...", "clientSecret": "...", "systemId": "..." }`. */
export class PropertywareRestCredentials {
  @IsString()
  @IsNotEmpty()
  clientId!: string;

  @IsString()
  @IsNotEmpty()
  clientSecret!: string;

  /** The organization id: a client id and secret only work with the organization they belong to. */
  @IsString()
  @IsNotEmpty()
  systemId!: string;
}
