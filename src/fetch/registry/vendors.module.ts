import { Module } from '@nestjs/common';
import { VendorRegistry } from './vendor-registry';

@Module({ providers: [{ provide: VendorRegistry, useFactory: () => new VendorRegistry() }], exports: [VendorRegistry] })
export class VendorsModule {}
