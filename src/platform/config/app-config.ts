import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';
import path from 'node:path';
import { parseCidr } from './cidr';
import { textOf } from '../text/text-of';

export type ProcessRole = 'api' | 'worker' | 'all';
export const PROCESS_ROLES: readonly ProcessRole[] = ['api', 'worker', 'all'];

/** Default delays (s) between webhook attempts: 10 attempts over about 3 days (API.md §5). */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : ['1', 'true', 'yes', 'on'].includes(textOf(value).toLowerCase())
      ? true
      : ['0', 'false', 'no', 'off'].includes(textOf(value).toLowerCase())
        ? false
        : value;
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(textOf(value)) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
const toFloat = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^\d+(\.\d+)?$/.test(textOf(value)) ? Number(value) : value;

/** 32 bytes in base64: what `openssl rand -base64 32` prints. */
const ENCRYPTION_KEY_PATTERN = /^[A-Za-z0-9+/]{43}=$/;

/** The environment as read and validated once at boot; every field names its variable. */
class EnvironmentVariables {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @Matches(/^\S{16,}$/, { message: 'must be at least 16 characters without spaces' })
  LATCHKEY_API_KEY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(ENCRYPTION_KEY_PATTERN, { message: 'must be 32 random bytes, base64-encoded (44 characters)' })
  LATCHKEY_ENCRYPTION_KEY?: string;

  /** Keys that may open secrets but never seal them (key rotation); validated entry by entry in loadConfig. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  LATCHKEY_PREVIOUS_ENCRYPTION_KEYS?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  OUTBOUND_ALLOW_CIDRS?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SANDBOX?: boolean;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, { message: 'must be comma-separated seconds, e.g. 5,300,1800' })
  WEBHOOK_RETRY_SCHEDULE?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(PROCESS_ROLES as string[])
  LATCHKEY_ROLE?: ProcessRole;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL?: 'debug' | 'info' | 'warn' | 'error';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  SYNC_WORKER_CONCURRENCY?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_WORKER_CONCURRENCY?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(8760)
  FULL_SYNC_INTERVAL_HOURS?: number;

  @IsOptional()
  @Transform(toFloat)
  @IsNumber({}, { message: 'must be a number' })
  @Min(0)
  @Max(1)
  DELETION_GUARD_SHARE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  DATA_DIFF_RETENTION_DAYS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of days (0 keeps events forever)' })
  @Min(0)
  @Max(3650)
  EVENT_RETENTION_DAYS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  SYNC_JOB_ATTEMPTS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  VENDOR_REQUEST_ATTEMPTS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600)
  VENDOR_WRITE_TIMEOUT_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  VENDOR_CIRCUIT_FAILURES?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  VENDOR_CIRCUIT_OPEN_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  SYNC_RETRY_BASE_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  SYNC_CHECKPOINT_OVERLAP_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(8760)
  WEBHOOK_DISABLE_AFTER_HOURS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(8760)
  WEBHOOK_SECRET_GRACE_HOURS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_MAX_CONCURRENCY?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100_000)
  WEBHOOK_RATE_LIMIT_PER_SECOND?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of requests per minute (0 disables the limit)' })
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds (0 disables the slowdown)' })
  @Min(0)
  @Max(60_000)
  RATE_LIMIT_SLOWDOWN_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of bytes, e.g. 1048576 for 1 MiB' })
  @Min(1024)
  @Max(104_857_600)
  MAX_BODY_BYTES?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  SHUTDOWN_TIMEOUT_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50_000)
  CONNECT_PAGE_SIZE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  CONNECT_RUN_ATTEMPTS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  CONNECT_RETRY_BASE_MS?: number;
}

export class ConfigError extends Error {}

/** Typed, validated configuration. Built once at boot by loadConfig(); never read process.env elsewhere. */
export interface AppConfig {
  role: ProcessRole;
  port: number;
  dataDir: string;
  /** Set when the operator gave one; null means "start the embedded PostgreSQL". */
  databaseUrl: string | null;
  redisUrl: string | null;
  bootstrapApiKey: string | null;
  encryptionKey: string | null;
  /** Older encryption keys: they open secrets sealed before a rotation, never seal new ones. */
  previousEncryptionKeys: string[];
  outboundAllowCidrs: string[];
  sandbox: boolean;
  webhookRetryScheduleSeconds: number[];
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  syncWorkerConcurrency: number;
  webhookWorkerConcurrency: number;
  /** A scheduled run is a full pull (which finds deletions) when the last one is older than this. */
  fullSyncIntervalHours: number;
  /** A full pull never deletes more than this share of an integration's records of a model. */
  deletionGuardShare: number;
  dataDiffRetentionDays: number;
  /** Events (with their deliveries) older than this are pruned, once relayed and no longer pending; 0 keeps them forever. */
  eventRetentionDays: number;
  syncJobAttempts: number;
  /** Attempts per vendor request (throttling, 5xx, timeouts) before it counts as failed. */
  vendorRequestAttempts: number;
  /** How long a write's vendor request may take; past it, a create's outcome is unknown (API.md §6). */
  vendorWriteTimeoutMs: number;
  /** Failed vendor requests in a row that open an integration's circuit, and its first open period (doubling). */
  vendorCircuitFailures: number;
  vendorCircuitOpenMs: number;
  /** First retry delay of a failed sync job; later ones double. */
  syncRetryBaseMs: number;
  /** How far before a pull's start the next incremental pull reaches back (clock skew, changes made while paging). */
  syncCheckpointOverlapMs: number;
  /** A webhook whose every attempt failed for this long is deactivated. */
  webhookDisableAfterMs: number;
  /** After a secret rotation, deliveries are signed with the old secret too for this long. */
  webhookSecretGraceMs: number;
  /** Deliveries of one webhook in flight at once, per worker process (one slow receiver cannot take every slot). */
  webhookMaxConcurrency: number;
  /** Attempts per second per webhook and worker process; 0 = no limit. */
  webhookRateLimitPerSecond: number;
  /** Requests per minute per API key, shared by every api process; 0 = no limit. */
  rateLimitPerMinute: number;
  /** Delay added to each request of a key past 80 % of its limit (Propexo's 2 s); 0 = none. */
  rateLimitSlowdownMs: number;
  /** Largest JSON request body accepted; larger ones answer 413. */
  maxBodyBytes: number;
  /** On SIGTERM, how long running jobs may take to finish before they are handed back to the queue. */
  shutdownTimeoutMs: number;
  /** Connect: cache rows read and written to a destination per page (one destination commit each). */
  connectPageSize: number;
  /** Connect: worker attempts of a run before a transient failure fails it; later ones wait twice as long. */
  connectRunAttempts: number;
  connectRetryBaseMs: number;
}

/**
 * Reads and validates the environment. Throws ConfigError naming every bad variable and the rule it
 * breaks, never its value (values may be secrets).
 */
export function loadConfig(env: NodeJS.ProcessEnv, roleArg?: string): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, { ...env }, { excludeExtraneousValues: false });
  const errors = validateSync(vars, { skipMissingProperties: false, forbidUnknownValues: false });
  const problems = errors.map((e) => `${e.property} ${Object.values(e.constraints ?? {}).join('; ')}`);
  const role = (roleArg ?? vars.LATCHKEY_ROLE ?? 'all') as ProcessRole;
  if (!PROCESS_ROLES.includes(role))
    problems.push(`role must be one of ${PROCESS_ROLES.join(', ')} (got an unknown role argument)`);
  if (
    vars.DATABASE_URL &&
    !vars.LATCHKEY_ENCRYPTION_KEY &&
    !problems.some((p) => p.startsWith('LATCHKEY_ENCRYPTION_KEY'))
  ) {
    problems.push(
      'LATCHKEY_ENCRYPTION_KEY is required when DATABASE_URL is set (32 random bytes, base64: `openssl rand -base64 32`)',
    );
  }
  const previousEncryptionKeys = (vars.LATCHKEY_PREVIOUS_ENCRYPTION_KEYS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const badPreviousKey = previousEncryptionKeys.findIndex((key) => !ENCRYPTION_KEY_PATTERN.test(key));
  if (badPreviousKey >= 0) {
    problems.push(
      `LATCHKEY_PREVIOUS_ENCRYPTION_KEYS must be comma-separated keys, each 32 random bytes base64-encoded (44 characters); entry ${badPreviousKey + 1} is not`,
    );
  }
  for (const cidr of (vars.OUTBOUND_ALLOW_CIDRS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    try {
      parseCidr(cidr);
    } catch {
      problems.push('OUTBOUND_ALLOW_CIDRS must be comma-separated CIDRs, e.g. 10.0.0.0/8,fd00::/8');
      break;
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const embedded = !vars.DATABASE_URL;
  return {
    role,
    port: vars.PORT ?? 3000,
    dataDir: path.resolve(vars.DATA_DIR ?? './.data'),
    databaseUrl: vars.DATABASE_URL ?? null,
    redisUrl: vars.REDIS_URL ?? null,
    bootstrapApiKey: vars.LATCHKEY_API_KEY ?? null,
    encryptionKey: vars.LATCHKEY_ENCRYPTION_KEY ?? null,
    previousEncryptionKeys,
    outboundAllowCidrs: vars.OUTBOUND_ALLOW_CIDRS
      ? vars.OUTBOUND_ALLOW_CIDRS.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : embedded
        ? ['127.0.0.0/8', '::1/128']
        : [],
    sandbox: vars.SANDBOX ?? embedded,
    webhookRetryScheduleSeconds: vars.WEBHOOK_RETRY_SCHEDULE
      ? vars.WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s.trim()))
      : DEFAULT_WEBHOOK_RETRY_SCHEDULE,
    logLevel: vars.LOG_LEVEL ?? 'info',
    syncWorkerConcurrency: vars.SYNC_WORKER_CONCURRENCY ?? 4,
    webhookWorkerConcurrency: vars.WEBHOOK_WORKER_CONCURRENCY ?? 50,
    fullSyncIntervalHours: vars.FULL_SYNC_INTERVAL_HOURS ?? 24,
    deletionGuardShare: vars.DELETION_GUARD_SHARE ?? 0.2,
    dataDiffRetentionDays: vars.DATA_DIFF_RETENTION_DAYS ?? 30,
    eventRetentionDays: vars.EVENT_RETENTION_DAYS ?? 30,
    syncJobAttempts: vars.SYNC_JOB_ATTEMPTS ?? 3,
    vendorRequestAttempts: vars.VENDOR_REQUEST_ATTEMPTS ?? 6,
    vendorWriteTimeoutMs: (vars.VENDOR_WRITE_TIMEOUT_SECONDS ?? 30) * 1000,
    vendorCircuitFailures: vars.VENDOR_CIRCUIT_FAILURES ?? 5,
    vendorCircuitOpenMs: (vars.VENDOR_CIRCUIT_OPEN_SECONDS ?? 30) * 1000,
    syncRetryBaseMs: vars.SYNC_RETRY_BASE_MS ?? 5000,
    syncCheckpointOverlapMs: (vars.SYNC_CHECKPOINT_OVERLAP_SECONDS ?? 60) * 1000,
    webhookDisableAfterMs: (vars.WEBHOOK_DISABLE_AFTER_HOURS ?? 120) * 3_600_000,
    webhookSecretGraceMs: (vars.WEBHOOK_SECRET_GRACE_HOURS ?? 24) * 3_600_000,
    webhookMaxConcurrency: vars.WEBHOOK_MAX_CONCURRENCY ?? 10,
    webhookRateLimitPerSecond: vars.WEBHOOK_RATE_LIMIT_PER_SECOND ?? 0,
    rateLimitPerMinute: vars.RATE_LIMIT_PER_MINUTE ?? 150,
    rateLimitSlowdownMs: vars.RATE_LIMIT_SLOWDOWN_MS ?? 2000,
    maxBodyBytes: vars.MAX_BODY_BYTES ?? 1_048_576,
    shutdownTimeoutMs: (vars.SHUTDOWN_TIMEOUT_SECONDS ?? 25) * 1000,
    connectPageSize: vars.CONNECT_PAGE_SIZE ?? 5000,
    connectRunAttempts: vars.CONNECT_RUN_ATTEMPTS ?? 6,
    connectRetryBaseMs: vars.CONNECT_RETRY_BASE_MS ?? 5000,
  };
}
