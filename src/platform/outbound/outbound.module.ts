import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { OutboundGuard } from './outbound-guard';

@Global()
@Module({
  providers: [
    {
      provide: OutboundGuard,
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => new OutboundGuard(config.outboundAllowCidrs),
    },
  ],
  exports: [OutboundGuard],
})
export class OutboundModule {}
