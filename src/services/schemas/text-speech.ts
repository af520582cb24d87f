import { z } from 'zod';

// The documented shapes of the speech, text and lexicon routes. Their services keep the checks that
// name limits and fields in their messages; these schemas are what GET /v1/openapi.json publishes.

const LANG = z.enum(['ko', 'en', 'ja']);

export const SpeechBody = z
  .object({
    model: z.string().optional().meta({ description: 'any string (tts-1, voicereel, …); not used' }),
    input: z.string().min(1).meta({ description: 'the text; at most [limits] max_speech_chars' }),
    voice: z.string().meta({
      description: 'builtin-<lang>, a pack preset <pack>:<voice>, a speaker_id, or an OpenAI voice name',
    }),
    response_format: z.enum(['mp3', 'wav', 'pcm']).optional(),
    speed: z.number().min(0.5).max(2).optional(),
    stream_format: z.enum(['audio', 'sse']).optional(),
    lexicons: z.array(z.string()).optional().meta({
      description:
        'lexicon ids of the caller’s project to apply (those of the input’s language); absent: the project’s default lexicons; [] turns them off',
    }),
  })
  .meta({ example: { model: 'tts-1', input: 'Hello there.', voice: 'builtin-en', response_format: 'mp3' } });

export const LexiconEntry = z.object({
  grapheme: z.string().min(1).max(256),
  alias: z.string().max(256).optional().meta({ description: 'say the grapheme as this text' }),
  phonemes: z.string().max(256).optional().meta({ description: 'or as these IPA phonemes' }),
  case_sensitive: z.boolean().optional(),
});

export const NormalizeBody = z
  .object({
    lang: LANG,
    text: z.string().min(1),
    lexicon: z
      .array(z.union([z.string(), LexiconEntry]))
      .optional()
      .meta({ description: 'lexicon ids of the caller’s project and/or inline entries' }),
  })
  .meta({ example: { lang: 'ko', text: '회의는 3시 30분입니다.' } });

export const NormalizeResult = z.object({
  spoken: z.string(),
  tokens: z.array(z.object({ written: z.string(), spoken: z.string() })),
});

export const LexiconBody = z
  .object({
    name: z.string().min(1).max(100),
    lang: LANG,
    default: z.boolean().optional(),
    entries: z.array(LexiconEntry),
  })
  .meta({ example: { name: 'Products', lang: 'en', entries: [{ grapheme: 'VR', alias: 'voice reel' }] } });

export const Lexicon = z.object({
  id: z.string(),
  name: z.string(),
  lang: LANG,
  default: z.boolean(),
  entry_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  entries: z.array(LexiconEntry).optional(),
});

export const LexiconPage = z.object({
  items: z.array(Lexicon),
  page: z.number().int(),
  page_size: z.number().int(),
  total: z.number().int(),
});

export const WebhookSecret = z.object({
  project: z.string(),
  secret: z.string().meta({ description: 'whsec_<base64>, as Standard Webhooks libraries take it' }),
  scheme: z.literal('standard-webhooks-v1'),
});
