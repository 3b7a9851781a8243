// Build step: compiles the compose-spec schema (with devstack's overlay) into a standalone validator module, so
// devstack does not spend ~0.5 s compiling the schema with ajv on every command. Runs after tsc.
import { writeFileSync } from 'node:fs';
import standalone from 'ajv/dist/standalone/index.js';
import { composeAjv, composeSchema, PRECOMPILED_VALIDATOR_FILE } from '../dist/src/compose/schema-validation.js';

const ajv = composeAjv({ source: true });
const validate = ajv.compile(composeSchema());
// Next to the bundled compose loader (scripts/bundle-cli.mjs), which requires it from its own folder.
const out = new URL(`../dist/cli/${PRECOMPILED_VALIDATOR_FILE}`, import.meta.url);
writeFileSync(out, standalone.default(ajv, validate));
console.log(`compiled the compose schema into ${out.pathname}`);
