import { IsNotEmpty, IsString } from 'class-validator';

/** docs/vendors/entrata.md: `{ "apiKey": "...", "companyId": "..." }`. */
export class EntrataCredentials {
  @IsString()
  @IsNotEmpty()
  apiKey!: string;

  /** The customer's Entrata subdomain (https://<companyId>.entrata.com); the integration's base_url carries it. */
  @IsString()
  @IsNotEmpty()
  companyId!: string;
}
