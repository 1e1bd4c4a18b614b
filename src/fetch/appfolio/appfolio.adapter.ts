import { type VendorAdapter } from '../adapter/vendor-adapter';
import { AppfolioClient } from './appfolio.client';
import { AppfolioCredentials } from './appfolio.credentials';
import {
  APPFOLIO_EXPECTED_FIELDS,
  APPFOLIO_FACTS,
  APPFOLIO_REPORTS,
  APPFOLIO_MODELS,
  isReportModel,
  type AppfolioModel,
} from './appfolio.facts';
import { mapAppfolioRecord } from './appfolio.mapper';
import { APPFOLIO_WRITE_FIELDS } from './appfolio.writes';

/** AppFolio Reports API v2 with v0 tenant lookups (docs/vendors/appfolio.md): Basic auth, next_page_url cursors. */
export const appfolioAdapter: VendorAdapter<AppfolioCredentials, AppfolioModel> = {
  vendor: 'APPFOLIO',
  facts: APPFOLIO_FACTS,
  credentialsDto: AppfolioCredentials,
  models: APPFOLIO_MODELS,
  // from_date exists on tenant_directory and rent_roll, LastUpdatedAtFrom on v0 work orders; the tenant ledger
  // has no last-updated filter (a full read every time).
  incrementalModels: ['residents', 'leases', 'service_requests'],
  client: (credentials, context) => {
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    return new AppfolioClient(
      context.connect({ authorization: `Basic ${basic}` }),
      credentials.developerId,
      context.baseUrl,
    );
  },
  map: mapAppfolioRecord,
  vendorId: (model, raw) => {
    const id = (raw as Record<string, unknown> | null)?.[isReportModel(model) ? APPFOLIO_REPORTS[model].idField : 'Id'];
    return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
  },
  writeFields: APPFOLIO_WRITE_FIELDS,
  expectedFields: APPFOLIO_EXPECTED_FIELDS,
};
