import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../../errors.js';
import { ErrorBody } from '../../services/schemas/responses.js';
import { VERSION } from '../../version.js';
import type { RouteDoc } from './route-doc.js';

type Json = Record<string, unknown>;

/** What every route of an auth kind can answer, besides its own codes. */
const COMMON: Record<RouteDoc['auth'], ErrorCode[]> = {
  none: ['INTERNAL_ERROR'],
  presigned: ['NOT_FOUND', 'INTERNAL_ERROR'],
  key: ['UNAUTHORIZED', 'RATE_LIMITED', 'INTERNAL_ERROR'],
  admin: ['UNAUTHORIZED', 'FORBIDDEN', 'RATE_LIMITED', 'INTERNAL_ERROR'],
};

const SECURITY: Record<RouteDoc['auth'], Json[]> = {
  none: [],
  presigned: [],
  key: [{ ApiKey: [] }, { Bearer: [] }, { Signature: [] }],
  admin: [{ ApiKey: [] }, { Bearer: [] }, { Signature: [] }],
};

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses); named schemas (meta id) become components. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output', components: Json): Json {
  const whole = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
    cycles: 'ref',
  }) as Json;
  delete whole.$schema;
  return hoist(whole, components);
}

/** Moves `$defs` of a generated schema into components and points refs there. */
function hoist(schema: Json, components: Json): Json {
  const defs = (schema.$defs ?? {}) as Record<string, Json>;
  delete schema.$defs;
  for (const [name, def] of Object.entries(defs)) components[name] = retarget(def);
  return retarget(schema);
}

function retarget<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
}

function errorResponses(doc: RouteDoc, errorSchema: Json): Json {
  const byStatus = new Map<number, Set<ErrorCode>>();
  const retried: ErrorCode[] = doc.method === 'post' ? ['IDEMPOTENCY_CONFLICT'] : [];
  for (const code of [...doc.errors, ...retried, ...COMMON[doc.auth]]) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  const out: Json = {};
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const list = [...codes];
    out[String(status)] = {
      description: `Error: ${list.join(', ')}`,
      content: {
        'application/json': {
          schema: withCodes(errorSchema, list),
          example: { error: { code: list[0], message: '…' }, request_id: 'req_01hzx9d8n4' },
        },
      },
    };
  }
  return out;
}

/** The Error schema narrowed to the codes one status of one route can carry. */
function withCodes(errorSchema: Json, codes: ErrorCode[]): Json {
  const copy = structuredClone(errorSchema) as Json & {
    properties: { error: { properties: { code: Json } } };
  };
  delete copy.example;
  copy.properties.error.properties.code = { ...copy.properties.error.properties.code, enum: codes };
  return copy;
}

function operation(doc: RouteDoc, components: Json): Json {
  // Every POST takes Idempotency-Key (middleware/idempotency.ts sits in every route's `signed`).
  const parameters: Json[] =
    doc.method === 'post' ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : [];
  for (const [name, description] of Object.entries(doc.params ?? {})) {
    parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  }
  if (doc.query) {
    const shape = doc.query.shape as Record<string, z.ZodType>;
    for (const [name, field] of Object.entries(shape)) {
      const schema = schemaOf(field, 'input', components);
      const { description, example } = schema as { description?: string; example?: unknown };
      parameters.push({
        name,
        in: 'query',
        required: !field.safeParse(undefined).success,
        ...(description ? { description } : {}),
        ...(example !== undefined ? { example } : {}),
        schema,
      });
    }
  }
  const responses: Json = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.schema || r.type
        ? {
            content: {
              [r.type ?? 'application/json']: {
                schema: r.schema ? schemaOf(r.schema, 'output', components) : {},
              },
            },
          }
        : {}),
    };
  }
  const op: Json = {
    operationId: `${doc.method}${doc.path
      .replace(/[{}]/g, '')
      .replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())
      .replace(/[^A-Za-z0-9]/g, '')}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    security: SECURITY[doc.auth],
    ...(parameters.length ? { parameters } : {}),
    responses: { ...responses, ...errorResponses(doc, components.Error as Json) },
  };
  if (doc.body) {
    const schema = schemaOf(doc.body.schema, 'input', components);
    op.requestBody = { required: true, content: { [doc.body.type]: { schema } } };
  }
  return op;
}

/** The OpenAPI 3.1 document of the routes given (built once per app). */
export function buildOpenApi(docs: RouteDoc[]): Json {
  const components: Json = {};
  const paths: Record<string, Json> = {};
  // ErrorBody has a meta id: generating it files it under components.Error by itself.
  schemaOf(ErrorBody, 'output', components);
  for (const doc of docs) (paths[doc.path] ??= {})[doc.method] = operation(doc, components);
  // Each error answer carries its own copy narrowed to its codes, so the shared one is not referenced.
  delete components.Error;
  const tags = [...new Set(docs.map((d) => d.tag))]
    .sort()
    .map((name) => ({ name, description: `${name} routes` }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'VoiceReel API',
      version: VERSION,
      description:
        'Self-hosted multi-speaker text-to-speech. Every failure has one shape (`Error`); every answer carries `X-Request-Id`.',
      license: { name: 'GPL-3.0-or-later', identifier: 'GPL-3.0-or-later' },
    },
    servers: [{ url: '/', description: 'this appliance' }],
    tags,
    paths,
    components: { schemas: components, parameters: PARAMETERS, securitySchemes: SECURITY_SCHEMES },
  };
}

const PARAMETERS: Json = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes a retry safe: the same key with the same request within 24 h answers the first success again ' +
      '(with `Idempotent-Replayed: true`) instead of running twice; with another request, or while the first ' +
      'is still being answered, 409 IDEMPOTENCY_CONFLICT. Scoped per API key; errors are not kept.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    example: '5f0c1d9e-3b7a-4c2e-9a51-8d6f2b4e7c10',
  },
};

const SECURITY_SCHEMES: Json = {
  ApiKey: { type: 'apiKey', in: 'header', name: 'X-VR-APIKEY', description: 'An API key (`vr_…`).' },
  Bearer: { type: 'http', scheme: 'bearer', description: 'The same key as `Authorization: Bearer vr_…`.' },
  Signature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-VR-Signature',
    description:
      'A signed request instead of the key: `k=<key id>,t=<unix seconds>,v1=<hex>` where ' +
      '`v1 = hex(HMAC-SHA256(<api key>, t + "." + METHOD + "." + path-with-query + "." + hex(sha256(raw body))))`. ' +
      'Refused when t is outside the signature window, replayed, or the key is unknown or revoked.',
  },
};
