import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from '../auth/api-key.guard.js';
import { AUTH_CONFIG, LOOPBACK_ONLY, type AuthConfig } from '../auth/auth.config.js';

export interface SecurityOptions {
  /** Default: no keys — writes from loopback only. */
  auth?: AuthConfig;
}

/**
 * Guards every route with the API key and role check; routes state what they need with
 * @RequiresRole / @Public (default: reader). The rate limit runs earlier, as a Fastify hook.
 */
@Module({})
export class SecurityModule {
  static forRoot({ auth = LOOPBACK_ONLY }: SecurityOptions): DynamicModule {
    return {
      module: SecurityModule,
      providers: [
        { provide: AUTH_CONFIG, useValue: auth },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
