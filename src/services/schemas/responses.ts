import { z } from 'zod';

/**
 * Response schemas, for the OpenAPI document; the integration tests check real answers against them.
 */

const when = z.iso.datetime();
const nullableWhen = when.nullable();

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'one of the codes listed for the route' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
    request_id: z.string(),
  })
  .meta({
    id: 'Error',
    example: {
      error: { code: 'INVALID_INPUT', message: 'month must be YYYY-MM.', details: { field: 'month' } },
      request_id: 'req_01hzx9d8n4',
    },
  });

export const Job = z
  .object({
    id: z.string(),
    type: z.enum(['synthesize', 'register_speaker']),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']),
    progress: z.number().min(0).max(1),
    created_at: when,
    started_at: nullableWhen,
    finished_at: nullableWhen,
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    result: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'synthesize: audio_url, caption_url (presigned), duration, format, captions, …' }),
    callback: z
      .object({
        url: z.string(),
        status: z.enum(['waiting', 'pending', 'delivered', 'failed']),
        attempts: z.number().int(),
        last_error: z.string().nullable(),
        next_attempt_at: nullableWhen,
      })
      .optional()
      .meta({ description: 'the webhook delivery, when the job was given a callback_url' }),
  })
  .meta({
    id: 'Job',
    example: {
      id: 'job_01hzx9d8n4',
      type: 'synthesize',
      status: 'succeeded',
      progress: 1,
      created_at: '2026-05-01T10:00:00.000Z',
      started_at: '2026-05-01T10:00:01.000Z',
      finished_at: '2026-05-01T10:00:09.000Z',
      result: { audio_url: '/v1/files/fil_01?exp=1&sig=ab', duration: 12.84, format: 'mp3' },
    },
  });

export const JobList = z
  .object({ items: z.array(Job), next_cursor: z.string().nullable() })
  .meta({ id: 'JobList' });

export const JobCreated = z
  .object({ job_id: z.string() })
  .meta({ id: 'JobCreated', example: { job_id: 'job_01hzx9d8n4' } });

export const SpeakerCreated = z
  .object({ job_id: z.string(), speaker_id: z.string() })
  .meta({ id: 'SpeakerCreated', example: { job_id: 'job_01hzx9d8n4', speaker_id: 'spk_01hzx9d8n4' } });

export const Speaker = z
  .object({ id: z.string(), name: z.string(), lang: z.string(), status: z.string(), created_at: when })
  .loose()
  .meta({ id: 'Speaker' });

export const SpeakerPage = z
  .object({
    items: z.array(Speaker),
    page: z.number().int(),
    page_size: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'SpeakerPage' });

export const Key = z
  .object({
    id: z.string(),
    name: z.string(),
    project: z.string(),
    admin: z.boolean(),
    created_at: when,
    last_used_at: nullableWhen,
    revoked: z.boolean(),
  })
  .meta({ id: 'Key' });

export const KeyCreated = Key.extend({ key: z.string().meta({ description: 'shown only here' }) }).meta({
  id: 'KeyCreated',
});

export const KeyList = z.object({ items: z.array(Key) }).meta({ id: 'KeyList' });

export const Voice = z
  .object({ id: z.string(), engine: z.string(), lang: z.string(), language: z.string(), name: z.string() })
  .loose()
  .meta({
    id: 'Voice',
    example: { id: 'builtin-en', engine: 'builtin', lang: 'en', language: 'en', name: 'English' },
  });

export const VoiceList = z.object({ items: z.array(Voice) }).meta({ id: 'VoiceList' });

export const Usage = z.record(z.string(), z.unknown()).meta({
  id: 'Usage',
  description: 'requests, synthesized seconds and characters, registrations, per key and in total',
});

export const Health = z.object({ status: z.literal('ok') });
export const Ready = z.object({ ready: z.boolean(), database: z.boolean(), engines: z.boolean() });
