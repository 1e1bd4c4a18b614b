import { Injectable } from '@nestjs/common';
import { SecretBox } from '../../platform/common/crypto/secret-box';
import { AppError } from '../../platform/common/errors/app-error';
import { pageOf, type ListQueryDto } from '../../platform/common/http/list-query.dto';
import type { CreateDestinationDto, UpdateDestinationDto } from './connect.dto';
import { DestinationRepository, type DestinationRow } from './destination.repository';
import { DestinationCheckError, PostgresDestinationConnector, type DestinationAddress } from './postgres-destination';

const SORTABLE = ['created_at', 'updated_at', 'name', 'id'];

/**
 * Connect destinations: a PostgreSQL warehouse per row, its URL (with the password) sealed at rest and
 * checked by connecting before it is stored.
 */
@Injectable()
export class DestinationService {
  constructor(
    private readonly destinations: DestinationRepository,
    private readonly connector: PostgresDestinationConnector,
    private readonly secrets: SecretBox,
  ) {}

  async create(organizationId: string, dto: CreateDestinationDto) {
    const address = await this.check(dto.connection_url);
    const row = await this.destinations.create({
      organization_id: organizationId,
      name: dto.name,
      type: 'postgres',
      connection_url_encrypted: this.secrets.seal(dto.connection_url),
      ...address,
    });
    return present(row);
  }

  async list(organizationId: string, query: ListQueryDto) {
    return pageOf(query, SORTABLE, (page) => this.destinations.list(organizationId, page), present);
  }

  async get(organizationId: string, id: string) {
    return present(await this.require(organizationId, id));
  }

  async update(organizationId: string, id: string, dto: UpdateDestinationDto) {
    const existing = await this.require(organizationId, id);
    const address = dto.connection_url === undefined ? undefined : await this.check(dto.connection_url);
    const moved =
      address !== undefined &&
      (address.host !== existing.host || address.port !== existing.port || address.database !== existing.database);
    const row = await this.destinations.update(
      organizationId,
      id,
      {
        name: dto.name,
        ...(address ? { ...address, connection_url_encrypted: this.secrets.seal(dto.connection_url!) } : {}),
      },
      moved,
    );
    if (!row) throw AppError.notFound('Destination', id);
    return present(row);
  }

  async delete(organizationId: string, id: string) {
    const outcome = await this.destinations.delete(organizationId, id);
    if (outcome === 'not_found') throw AppError.notFound('Destination', id);
    if (outcome === 'in_use')
      throw new AppError(
        'conflict',
        `Destination ${id} is used by a connection: delete or repoint the connection first`,
        { id },
      );
    return { success: true };
  }

  private async check(url: string): Promise<DestinationAddress> {
    try {
      return await this.connector.check(url);
    } catch (error) {
      if (!(error instanceof DestinationCheckError)) throw error;
      throw AppError.invalid(`connection_url ${error.message}`, { connection_url: [error.message] });
    }
  }

  private async require(organizationId: string, id: string): Promise<DestinationRow> {
    const row = await this.destinations.find(organizationId, id);
    if (!row) throw AppError.notFound('Destination', id);
    return row;
  }
}

/** A destination as the API shows it: where it points, never the password or the URL. */
function present(row: DestinationRow) {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    host: row.host,
    port: row.port,
    database: row.database,
    username: row.username,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
