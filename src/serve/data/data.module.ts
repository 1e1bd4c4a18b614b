import { Module } from '@nestjs/common';
import { RecordReadController } from './record-read.controller';
import { RecordReadRepository } from './record-read.repository';
import { RecordReadService } from './record-read.service';

@Module({ controllers: [RecordReadController], providers: [RecordReadRepository, RecordReadService] })
export class DataModule {}
