import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPublicRoute, type AuthedRequest } from '../auth/api-key.guard';
import { AppError } from '../common/errors/app-error';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { rateLimitVerdict } from './rate-limit-window';
import type { RateLimitStore } from './rate-limit.store';

export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

/** A store outage is logged at most this often (it can fail on every request). */
const OUTAGE_LOG_INTERVAL_MS = 60_000;

/**
 * RATE_LIMIT_PER_MINUTE requests per API key and minute, counted across every api process. Runs after the
 * API-key guard (it needs `request.auth`); public routes are not limited. Every limited response carries
 * `x-ratelimit-limit` and `x-ratelimit-remaining`; from 80 % of the limit each request waits
 * RATE_LIMIT_SLOWDOWN_MS first (Propexo's 2 s, so clients written for it pace themselves the same); over the
 * limit the answer is 429 with `Retry-After` until the minute ends.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');
  private lastOutageLog = 0;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.config.rateLimitPerMinute;
    if (limit === 0 || isPublicRoute(this.reflector, context)) return true;
    const http = context.switchToHttp();
    const auth = http.getRequest<AuthedRequest>().auth;
    if (!auth) return true;
    let hit;
    try {
      hit = await this.store.hit(auth.apiKeyId, Date.now());
    } catch (error) {
      // The limit protects the API; it must not take it down: while its store is unreachable, requests pass.
      if (Date.now() - this.lastOutageLog > OUTAGE_LOG_INTERVAL_MS) {
        this.lastOutageLog = Date.now();
        this.logger.warn(`rate limit not enforced: its store failed (${(error as Error).message})`);
      }
      return true;
    }
    const verdict = rateLimitVerdict(limit, hit);
    const response = http.getResponse<Response>();
    response.setHeader('x-ratelimit-limit', String(limit));
    response.setHeader('x-ratelimit-remaining', String(verdict.remaining));
    if (!verdict.allowed) {
      throw new AppError(
        'rate_limited',
        `This API key made more than ${limit} requests this minute; retry after ${verdict.retryAfterSeconds} s`,
        {
          limit,
          retry_after_seconds: verdict.retryAfterSeconds,
        },
      );
    }
    if (verdict.slowed && this.config.rateLimitSlowdownMs > 0) await sleep(this.config.rateLimitSlowdownMs);
    return true;
  }
}
