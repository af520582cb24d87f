import { z } from 'zod';
import { OUTPUT_SAMPLE_RATES } from '../../audio/types.js';
import { PROJECT_PATTERN } from '../keys.js';
import { SPEED_RANGE } from '../voices/catalog.js';

/**
 * Request schemas: what the routes validate with (parseInput) and what GET /v1/openapi.json shows.
 * Query values arrive as strings; numbers are matched as digits before they are converted.
 */

const intString = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be an integer from ${min} to ${max}.`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `${name} must be at least ${min}.`)
        .max(max, `${name} must be at most ${max}.`),
    )
    .meta({ description: `an integer from ${min} to ${max}` });

export const PagingQuery = z.object({
  page: intString('page', 1, 1_000_000).optional().meta({ description: 'page number, from 1 (default 1)' }),
  page_size: intString('page_size', 1, 100)
    .optional()
    .meta({ description: 'items per page, 1–100 (default 20)' }),
});

export const UsageQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM.')
    .optional()
    .meta({ description: 'the month, YYYY-MM (default: the current month, UTC)', example: '2026-05' }),
});

export const VoicesQuery = z.object({
  lang: z
    .string()
    .max(16)
    .optional()
    .meta({ description: 'keep one product language (ko, en, ja)', example: 'en' }),
});

export const CreateKeyBody = z
  .object({
    name: z.string().trim().min(1, 'name is required.').max(100, 'name is at most 100 characters.'),
    project: z
      .string()
      .regex(PROJECT_PATTERN, 'project must be lowercase letters, digits, "-" or "_" (at most 64).'),
    admin: z.boolean().optional().meta({ description: 'an admin key manages keys and sees every project' }),
  })
  .meta({ example: { name: 'ci', project: 'podcasts', admin: false } });

const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
const JOB_TYPES = ['synthesize', 'register_speaker'] as const;
const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time.' });

export const JobListQuery = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  type: z.enum(JOB_TYPES).optional(),
  created_after: isoInstant.optional().meta({ description: 'jobs created strictly after this instant' }),
  created_before: isoInstant.optional().meta({ description: 'jobs created strictly before this instant' }),
  limit: intString('limit', 1, 100).optional().meta({ description: 'items per page, 1–100 (default 20)' }),
  cursor: z.string().max(200).optional().meta({ description: 'next_cursor of the previous page (opaque)' }),
  project: z.string().max(64).optional().meta({ description: 'admin keys only: one project' }),
});
export type JobListQuery = z.output<typeof JobListQuery>;

export const SynthesizeBody = z
  .object({
    script: z
      .array(
        z.object({
          speaker_id: z.string().optional().meta({ description: 'a ready speaker of the caller’s project' }),
          voice: z.string().optional().meta({ description: 'a voice id from GET /v1/voices' }),
          text: z.string().min(1),
          speed: z.number().min(SPEED_RANGE.min).max(SPEED_RANGE.max).optional(),
        }),
      )
      .min(1)
      .meta({ description: 'lines in order; each names speaker_id or voice, not both' }),
    output_format: z.enum(['wav', 'mp3']).optional(),
    sample_rate: z.literal([...OUTPUT_SAMPLE_RATES]).optional(),
    caption_format: z.enum(['json', 'vtt', 'srt']).optional(),
    lexicons: z
      .array(z.string())
      .optional()
      .meta({ description: 'lexicon ids of the caller’s project to apply; [] turns the default ones off' }),
    callback_url: z
      .string()
      .optional()
      .meta({ description: 'one signed POST on the terminal state; hosts from [webhooks] allowed_hosts' }),
  })
  .meta({
    example: {
      script: [
        { speaker_id: 'spk_01hzx9d8n4', text: 'Hello! Shall we go over the schedule?' },
        { voice: 'builtin-ko', text: '네, 오늘 일정 공유해 드릴게요.', speed: 1.1 },
      ],
      output_format: 'mp3',
      sample_rate: 44100,
      caption_format: 'vtt',
    },
  });

export const RegisterSpeakerForm = z.object({
  name: z.string().min(1),
  lang: z.enum(['ko', 'en', 'ja']),
  reference_audio: z.string().meta({ format: 'binary', description: 'WAV (PCM or float) or MP3' }),
  reference_script: z.string().min(1).meta({ description: 'what the recording says' }),
  consent: z.string().optional().meta({ description: 'an attestation text kept with the voice' }),
  callback_url: z
    .string()
    .optional()
    .meta({ description: 'one signed POST on the terminal state; hosts from [webhooks] allowed_hosts' }),
});
