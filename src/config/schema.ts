import cron from 'node-cron';
import { z } from 'zod';

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
  })
  .strict();

const security = z
  .object({
    /** Bootstrap admin key of project "default"; VR_API_KEY overrides it. Empty: generate one at first start. */
    api_key: z.string().default(''),
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
    min_reference_speech_seconds: z.number().min(1).max(600).default(30),
    max_script_lines: z.number().int().positive().max(100000).default(1000),
    max_line_chars: z.number().int().positive().max(100000).default(5000),
    /** Whole-script size; the mixed program is held in memory (≈ 1 h of audio per 60 000 characters). */
    max_script_chars: z.number().int().positive().max(1_000_000).default(50_000),
    /** Jobs queued or running before new ones are refused with 503. */
    queue_max_depth: z.number().int().positive().max(1_000_000).default(200),
    /** Requests per minute per key; 0 turns the limit off. */
    rate_limit_per_minute: z.number().int().min(0).default(0),
    /** Synthesized characters per key per calendar month (UTC); 0 turns the quota off. */
    monthly_character_quota: z.number().int().min(0).default(0),
  })
  .strict();

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
    /** Installed model packs (`voicereel models install`). Empty: <data_dir>/models. */
    models_dir: z.string().default(''),
  })
  .strict();

const jobs = z
  .object({
    /** Jobs run at once; each spreads its lines over the synthesis workers. */
    concurrency: z.number().int().min(1).max(64).default(2),
    /** Attempts before a job interrupted by a crash is failed. */
    max_attempts: z.number().int().min(1).max(10).default(2),
  })
  .strict();

const synthesis = z
  .object({
    target_lufs: z.number().min(-40).max(-5).default(-16),
    line_gap_ms: z.number().int().min(0).max(10000).default(350),
    speaker_change_gap_ms: z.number().int().min(0).max(10000).default(550),
    sentence_gap_ms: z.number().int().min(0).max(10000).default(180),
    default_sample_rate: z
      .union([
        z.literal(8000),
        z.literal(16000),
        z.literal(22050),
        z.literal(24000),
        z.literal(44100),
        z.literal(48000),
      ])
      .default(24000),
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

const log = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const configSchema = z
  .object({
    server: server.default(server.parse({})),
    storage: storage.default(storage.parse({})),
    security: security.default(security.parse({})),
    limits: limits.default(limits.parse({})),
    engine: engine.default(engine.parse({})),
    jobs: jobs.default(jobs.parse({})),
    synthesis: synthesis.default(synthesis.parse({})),
    log: log.default(log.parse({})),
    tls: tls.default(tls.parse({})),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
