import { Controller, Get, Param, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { ReadScope } from '../../platform/auth/scopes';
import {
  LeaseListQueryDto,
  PropertyListQueryDto,
  RecordGetQueryDto,
  ResidentListQueryDto,
  UnitListQueryDto,
} from './record-query.dto';
import { RecordReadService } from './record-read.service';

@Controller('v1')
@ReadScope()
export class RecordReadController {
  constructor(private readonly records: RecordReadService) {}

  @Get('properties') listProperties(@OrgId() org: string, @Query() q: PropertyListQueryDto) {
    return this.records.list('properties', org, q);
  }
  @Get('properties/:id') getProperty(@OrgId() org: string, @Param('id') id: string, @Query() q: RecordGetQueryDto) {
    return this.records.get('properties', org, id, q);
  }
  @Get('units') listUnits(@OrgId() org: string, @Query() q: UnitListQueryDto) {
    return this.records.list('units', org, q);
  }
  @Get('units/:id') getUnit(@OrgId() org: string, @Param('id') id: string, @Query() q: RecordGetQueryDto) {
    return this.records.get('units', org, id, q);
  }
  @Get('residents') listResidents(@OrgId() org: string, @Query() q: ResidentListQueryDto) {
    return this.records.list('residents', org, q);
  }
  @Get('residents/:id') getResident(@OrgId() org: string, @Param('id') id: string, @Query() q: RecordGetQueryDto) {
    return this.records.get('residents', org, id, q);
  }
  @Get('leases') listLeases(@OrgId() org: string, @Query() q: LeaseListQueryDto) {
    return this.records.list('leases', org, q);
  }
  @Get('leases/:id') getLease(@OrgId() org: string, @Param('id') id: string, @Query() q: RecordGetQueryDto) {
    return this.records.get('leases', org, id, q);
  }
}
