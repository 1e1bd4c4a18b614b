import { Module } from '@nestjs/common';
import { CacheReaderRepository } from './cache-reader.repository';
import { ConnectRunRepository } from './connect-run.repository';
import { ConnectRunRunner } from './connect-run.runner';
import { ConnectRunService } from './connect-run.service';
import { ConnectionController } from './connection.controller';
import { ConnectionRepository } from './connection.repository';
import { ConnectionService } from './connection.service';
import { DestinationController } from './destination.controller';
import { DestinationRepository } from './destination.repository';
import { DestinationService } from './destination.service';
import { PostgresDestinationConnector } from './postgres-destination';
import { ReplicationEngine } from './replication-engine';
import { RunHistoryService } from './run-history.service';

/** Connect: replication of integrations' cached data into customers' own PostgreSQL warehouses. */
@Module({
  controllers: [DestinationController, ConnectionController],
  providers: [
    DestinationRepository,
    DestinationService,
    PostgresDestinationConnector,
    ConnectionRepository,
    ConnectionService,
    RunHistoryService,
    ConnectRunRepository,
    ConnectRunService,
    ConnectRunRunner,
    CacheReaderRepository,
    ReplicationEngine,
  ],
})
export class ConnectModule {}
