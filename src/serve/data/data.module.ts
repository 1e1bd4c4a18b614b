import { Module } from '@nestjs/common';
import { RECORD_READ_CONTROLLERS } from './record-read.controller';
import { RecordReadRepository } from './record-read.repository';
import { RecordReadService } from './record-read.service';

@Module({ controllers: RECORD_READ_CONTROLLERS, providers: [RecordReadRepository, RecordReadService] })
export class DataModule {}
