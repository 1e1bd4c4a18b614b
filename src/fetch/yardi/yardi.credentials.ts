import { IsNotEmpty, IsString } from 'class-validator';

/**
 * docs/vendors/yardi.md (Propexo's Yardi variant): sent as the SOAP parameters UserName, Password,
 * Database, ServerName, Platform, InterfaceEntity and InterfaceLicense of every call.
 */
export class YardiCredentials {
  @IsString()
  @IsNotEmpty()
  username!: string;

  @IsString()
  @IsNotEmpty()
  password!: string;

  @IsString()
  @IsNotEmpty()
  database!: string;

  @IsString()
  @IsNotEmpty()
  serverName!: string;

  /** `SQL Server` on every Voyager database we know of. */
  @IsString()
  @IsNotEmpty()
  platform!: string;

  @IsString()
  @IsNotEmpty()
  entity!: string;

  @IsString()
  @IsNotEmpty()
  license!: string;
}
