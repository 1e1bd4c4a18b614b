import { IsNotEmpty, IsString } from 'class-validator';

/** docs/vendors/appfolio.md (Propexo's AppFolio variant): `{ "clientId", "clientSecret", "developerId" }`. */
export class AppfolioCredentials {
  @IsString()
  @IsNotEmpty()
  clientId!: string;

  @IsString()
  @IsNotEmpty()
  clientSecret!: string;

  @IsString()
  @IsNotEmpty()
  developerId!: string;
}
