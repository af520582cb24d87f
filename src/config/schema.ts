import cron from 'node-cron';
import { z } from 'zod';
import { OUTPUT_SAMPLE_RATES } from '../audio/types.js';
import { database } from './database.js';
import { checkStorageBackend, s3Storage } from './storage.js';
import { KEY_ADVICE, keyWeakness } from './key-strength.js';

/**
 * The whole configuration, one schema. Every section is strict: an unknown key stops start-up with
 * its dotted path, so a typo never silently falls back to a default.
 */
const server = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /**
     * Seconds a graceful stop waits for running jobs and requests in flight; then jobs are requeued and
     * an upload still arriving is answered 503.
     */
    shutdown_timeout_seconds: z.number().int().min(0).max(3600).default(30),
    /** A client must send its whole request header block within this (slowloris defence). */
    headers_timeout_seconds: z.number().int().min(1).max(300).default(15),
    /** An idle keep-alive connection is closed after this. */
    keep_alive_timeout_seconds: z.number().int().min(1).max(600).default(5),
    /** Open connections in total; more are closed as soon as they are accepted. */
    max_connections: z.number().int().min(1).max(1_000_000).default(1024),
    /** Open connections per client address (behind a reverse proxy: all of them); 0 turns the cap off. */
    max_connections_per_ip: z.number().int().min(0).max(1_000_000).default(256),
  })
  .strict();

const storage = z
  .object({
    data_dir: z.string().min(1).default('./var'),
    /** Job audio, captions and reference audio are deleted this many hours after creation; 0 keeps them. */
    retention_hours: z
      .number()
      .min(0)
      .max(24 * 365)
      .default(48),
    /** Cron expression (node-cron, with seconds optional) for the cleanup sweep. */
    cleanup_schedule: z
      .string()
      .refine((v) => cron.validate(v), 'not a valid cron expression')
      .default('*/15 * * * *'),
    /** Where the monthly usage reports go; empty: `<data_dir>/reports`. */
    reports_dir: z.string().default(''),
    /** Cron expression (UTC) for writing last month's usage report; a missed run is caught up at start. */
    usage_report_schedule: z
      .string()
      .refine((v) => cron.validate(v), 'not a valid cron expression')
      .default('5 0 1 * *'),
    /** Where job audio, captions and reference recordings live: the data dir, or an S3 bucket ([storage.s3]). */
    backend: z.enum(['local', 's3']).default('local'),
    s3: s3Storage.default(s3Storage.parse({})),
  })
  .strict()
  .superRefine(checkStorageBackend);

const security = z
  .object({
    /**
     * Bootstrap admin key of project "default"; VR_API_KEY overrides it. Empty: keep the current
     * bootstrap key, or generate one at first start. A changed value replaces (revokes) the previous one.
     */
    api_key: z
      .string()
      .default('')
      .superRefine((key, ctx) => {
        const weakness = key ? keyWeakness(key) : undefined;
        if (weakness) ctx.addIssue({ code: 'custom', message: `too weak: it ${weakness}; ${KEY_ADVICE}` });
      }),
    require_signature: z.boolean().default(false),
    signature_window_seconds: z.number().int().min(10).max(3600).default(300),
    presign_ttl_seconds: z
      .number()
      .int()
      .min(10)
      .max(7 * 24 * 3600)
      .default(900),
  })
  .strict();

const limits = z
  .object({
    max_upload_mb: z.number().positive().max(1024).default(30),
    max_json_kb: z.number().int().positive().max(65536).default(1024),
    /** Slowest average a request body may arrive at: an upload gets its size at this rate plus the grace. */
    min_body_kib_per_second: z.number().positive().max(1_000_000).default(64),
    /** Seconds every request body gets on top of what its size needs at min_body_kib_per_second. */
    body_grace_seconds: z.number().int().min(1).max(3600).default(10),
    min_reference_speech_seconds: z.number().min(1).max(600).default(30),
    /**
     * Longest reference recording, in seconds of decoded audio (a low-rate file holds hours in a few
     * MB). Refused from the headers before decoding, and decoding stops at it.
     */
    max_reference_seconds: z.number().min(10).max(3600).default(300),
    /** Analyses of uploads waiting for an analysis thread, all projects, before uploads get 503. */
    analysis_queue_max_depth: z.number().int().min(1).max(1000).default(8),
    /** Analyses one project may have waiting or running before its uploads get 503. */
    analysis_per_project: z.number().int().min(1).max(100).default(2),
    max_script_lines: z.number().int().positive().max(100000).default(1000),
    max_line_chars: z.number().int().positive().max(100000).default(5000),
    /** Entries in one pronunciation lexicon (and inline entries in one request). */
    max_lexicon_entries: z.number().int().positive().max(100000).default(5000),
    /** Pronunciation lexicons one project may keep. */
    max_lexicons_per_project: z.number().int().positive().max(10000).default(100),
    /** Whole-script size; the mixed program is held in memory (≈ 1 h of audio per 60 000 characters). */
    max_script_chars: z.number().int().positive().max(1_000_000).default(50_000),
    /** Characters of one POST /v1/audio/speech input (answered while it is spoken); longer texts go to /v1/synthesize. */
    max_speech_chars: z.number().int().positive().max(100_000).default(4096),
    /** Jobs queued or running, all projects together, before new ones are refused with 503. */
    queue_max_depth: z.number().int().positive().max(1_000_000).default(200),
    /**
     * Jobs one project, and one key, may have queued or running (429 RATE_LIMITED naming the limit),
     * so no tenant can fill the shared queue; 0 turns that cap off.
     */
    max_active_jobs_per_project: z.number().int().min(0).max(1_000_000).default(100),
    max_active_jobs_per_key: z.number().int().min(0).max(1_000_000).default(50),
    /** Requests per minute per key; 0 turns the limit off. */
    rate_limit_per_minute: z.number().int().min(0).default(0),
    /** Synthesized characters per key per calendar month (UTC); 0 turns the quota off. */
    monthly_character_quota: z.number().int().min(0).default(0),
  })
  .strict()
  .refine((v) => v.max_reference_seconds >= v.min_reference_speech_seconds, {
    path: ['max_reference_seconds'],
    message: 'must be at least min_reference_speech_seconds',
  });

const device = z.string().regex(/^(cpu|cuda:\d{1,2})$/, 'must be "cpu" or "cuda:N"');

const engine = z
  .object({
    /**
     * Where synthesis runs: ["cpu"], CUDA GPUs (["cuda:0", "cuda:1"]), or "auto" (every GPU the
     * driver shows when onnxruntime's CUDA provider and libraries are installed, else the CPU).
     */
    devices: z
      .union([z.literal('auto'), z.array(device).min(1).max(16)])
      .default(['cpu'])
      .refine((d) => d === 'auto' || new Set(d).size === d.length, 'lists a device twice'),
    /** Synthesis worker threads per device; 0 picks one per CPU core for "cpu", one per GPU. */
    workers: z.number().int().min(0).max(256).default(0),
    /** onnxruntime threads inside each worker; 0 shares the cores out so CPU workers do not oversubscribe. */
    intra_op_threads: z.number().int().min(0).max(64).default(0),
    /** When a configured GPU cannot be used: false stops start-up saying why; true runs on the CPU instead. */
    cpu_fallback: z.boolean().default(false),
    /**
     * Who speaks for registered speakers: "auto" picks the installed preset voice closest to the
     * speaker's profile (a blend for Kokoro) when a pack speaks their language, else the built-in
     * engine; "builtin" always uses the built-in engine shaped by the profile.
     */
    speaker_voices: z.enum(['auto', 'builtin']).default('auto'),
    /** Worker threads for reference analysis, kept apart so uploads are answered while synthesis is busy. */
    analysis_workers: z.number().int().min(1).max(16).default(1),
    /**
     * Nice value of the engine worker threads (and the onnxruntime threads they start), above the
     * HTTP thread's: on a saturated machine the API is served first and synthesis takes the rest.
     */
    worker_nice: z.number().int().min(0).max(19).default(10),
    /** Installed model packs (`voicereel models install`). Empty: <data_dir>/models. */
    models_dir: z.string().default(''),
    /** `models install` refuses a .tar.gz that unpacks to more (counted while unpacking). */
    pack_max_unpacked_mb: z.number().int().min(1).max(1_048_576).default(4096),
    /** ...or to more entries (files and folders) than this. */
    pack_max_files: z.number().int().min(1).max(1_000_000).default(1000),
  })
  .strict();

const jobs = z
  .object({
    /** Jobs run at once; each spreads its lines over the synthesis workers. */
    concurrency: z.number().int().min(1).max(64).default(2),
    /** Attempts before a job interrupted by a crash is failed. */
    max_attempts: z.number().int().min(1).max(10).default(2),
    /**
     * Nodes sharing PostgreSQL: a running job's lease, renewed every third of it. A job whose node
     * stopped renewing (it died) goes back to the queue this long after its last renewal.
     */
    lease_seconds: z.number().int().min(5).max(3600).default(30),
  })
  .strict();

const synthesis = z
  .object({
    target_lufs: z.number().min(-40).max(-5).default(-16),
    line_gap_ms: z.number().int().min(0).max(10000).default(350),
    speaker_change_gap_ms: z.number().int().min(0).max(10000).default(550),
    sentence_gap_ms: z.number().int().min(0).max(10000).default(180),
    default_sample_rate: z.literal(OUTPUT_SAMPLE_RATES).default(24000),
    mp3_kbps: z
      .union([z.literal(64), z.literal(96), z.literal(128), z.literal(160), z.literal(192)])
      .default(128),
  })
  .strict();

const tls = z
  .object({
    /** PEM certificate (chain) file; with `key`, the server speaks HTTPS and accepts TLS 1.3 only. */
    cert: z.string().default(''),
    /** PEM private key file of `cert`. */
    key: z.string().default(''),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (Boolean(v.cert) !== Boolean(v.key)) {
      const missing = v.cert ? 'key' : 'cert';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: `tls.cert and tls.key must be set together (tls.${missing} is empty)`,
      });
    }
  });

const console_ = z
  .object({
    /** Serve the browser console at `/` (the API stays under /v1). */
    enabled: z.boolean().default(true),
    /** A console session ends after this many hours without a request. */
    session_idle_hours: z.number().min(0.05).max(720).default(12),
    /** …and this many hours after sign-in, however active. */
    session_max_hours: z.number().min(0.05).max(8760).default(168),
  })
  .strict();

const log = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

const events = z
  .object({
    /** Progress and log events kept per job (status changes are always kept); older history is kept first. */
    max_per_job: z.number().int().min(10).max(100_000).default(2000),
    /** An SSE stream sends a comment this often so proxies keep an idle connection open. */
    heartbeat_seconds: z.number().min(0.1).max(300).default(15),
  })
  .strict();

/** Host names a callback URL may name: exact (`hooks.example.com`) or one wildcard label (`*.example.com`). */
const hostPattern = z
  .string()
  .regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/i, {
    message: 'must be a host name, *.domain or a [bracketed] IPv6 address',
  })
  .transform((v) => v.toLowerCase());

const webhooks = z
  .object({
    /** Hosts callback URLs may point at; empty refuses every callback_url. Any port on a listed host. */
    allowed_hosts: z.array(hostPattern).default([]),
    /** Delivery attempts before a webhook is given up on. */
    max_attempts: z.number().int().min(1).max(50).default(10),
    /** The wait before the 2nd attempt; it doubles with each further attempt (180 s: 10 attempts span ~25 h). */
    retry_base_seconds: z.number().min(0.05).max(86_400).default(180),
    /** One attempt (connect, send, answer) is abandoned after this. */
    timeout_seconds: z.number().min(0.1).max(120).default(10),
  })
  .strict();

export const configSchema = z
  .object({
    server: server.default(server.parse({})),
    storage: storage.default(storage.parse({})),
    database: database.default(database.parse({})),
    security: security.default(security.parse({})),
    limits: limits.default(limits.parse({})),
    engine: engine.default(engine.parse({})),
    jobs: jobs.default(jobs.parse({})),
    synthesis: synthesis.default(synthesis.parse({})),
    log: log.default(log.parse({})),
    tls: tls.default(tls.parse({})),
    events: events.default(events.parse({})),
    webhooks: webhooks.default(webhooks.parse({})),
    console: console_.default(console_.parse({})),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
