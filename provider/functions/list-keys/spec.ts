// The one declaration of the listKeys function: its token, arguments (with their rules) and
// result. The argument checks, the TypeScript types, the SDKs' docs and the package schema's
// `functions`/`types` entries are derived from it (engine/function-spec.ts).
import type { FunctionSpec, ObjectTypeSpec } from "../../engine/function-spec.js";
import type { Judgement } from "../../engine/resource-spec.js";
import { ALL_KEY_SPECS, KEY_SPECS, LISTABLE_KEY_STATES } from "../../kms/kms-rules.js";
import { booleanRule, show } from "../../resources/key-rotation/spec.js";
import { CannotRotateReason } from "../../discovery/rotatability.js";

const KEY_STATE_RULE = 'use "1" (pending activation), "2" (enabled), "3" (disabled), "4" (pending deletion) or "5" (pending import)';
const KEY_SPEC_RULE = `use one of ${[...KEY_SPECS, ALL_KEY_SPECS].join(", ")}`;

function keyStateRule(value: unknown): Judgement<string> {
  // YAML and Python programs may write the state as a number.
  const text = typeof value === "number" && Number.isInteger(value) ? String(value) : typeof value === "string" ? value.trim() : undefined;
  if (text !== undefined && (LISTABLE_KEY_STATES as readonly string[]).includes(text)) return { value: text };
  return { reason: `keyState ${show(value)} is not a key state KMS lists by: ${KEY_STATE_RULE}` };
}

function keySpecRule(value: unknown): Judgement<string> {
  const specs: readonly string[] = [...KEY_SPECS, ALL_KEY_SPECS];
  if (typeof value === "string" && specs.includes(value)) return { value };
  const hint = typeof value === "string" && specs.includes(value.trim().toUpperCase()) ? "; key specs are written in upper case" : "";
  return { reason: `keySpec ${show(value)} is not a KMS key spec: ${KEY_SPEC_RULE}${hint}` };
}

const REASONS = Object.values(CannotRotateReason)
  .map((r) => `\`${r}\``)
  .join(", ");

/** One key of the project as listKeys reports it. */
export const listedKeyType = {
  token: "huaweicloud-kms:index:ListedKey",
  description: "A KMS key of the project, as list-keys reports it, with whether its rotation can be managed and the resource name to manage it under.",
  properties: {
    keyId: { type: "string", description: "The key id, e.g. `0d0466b0-e727-4d9c-b35d-f84bb474a37f`." },
    keyAlias: { type: "string", optional: true, description: "The key's alias, when it has one." },
    keyState: { type: "string", description: 'The key state: "1" pending activation, "2" enabled, "3" disabled, "4" pending deletion, "5" pending import, "7" frozen.' },
    keySpec: { type: "string", optional: true, description: "The key spec, e.g. `AES_256`, `SM4`, `RSA_2048`." },
    origin: { type: "string", optional: true, description: "`kms` (KMS made the key material) or `external` (imported material)." },
    isDefaultKey: { type: "boolean", description: "Whether the key is a Default Master Key (made by a cloud service; it cannot rotate)." },
    rotationEnabled: { type: "boolean", optional: true, description: "Whether rotation is on, as the listing says (absent when KMS does not say). The interval takes `getKeyRotation`." },
    rotatable: { type: "boolean", description: "Whether KMS lets the key's rotation change now, so that a `KeyRotation` can manage it." },
    cannotRotateReason: {
      type: "string",
      optional: true,
      description: `Why the key's rotation cannot change, when \`rotatable\` is false: ${REASONS}. The permanent reasons come first: a disabled Default Master Key says \`default key\`.`,
    },
    creationDate: { type: "string", optional: true, description: "When the key was made (ISO 8601 UTC)." },
    claimedBy: {
      type: "string",
      optional: true,
      description:
        "The stack that claims the key (`<project>/<stack>`, the value of its `pulumi-rotation-owner` tag), when `withClaims` is set and a stack claims it: that stack manages the key's rotation.",
    },
    resourceName: {
      type: "string",
      description:
        "A resource name for the key's `KeyRotation`, derived from its alias and stable while the key exists: unique in the project (colliding aliases: the oldest key keeps the bare name, the others add the start of their key id). The name `huaweicloud-kms discover` writes into its import and policy files when it lists the whole project (no filters).",
    },
  },
} as const satisfies ObjectTypeSpec;

export const listKeysSpec = {
  token: "huaweicloud-kms:index:listKeys",
  description:
    "The keys of the project with their rotatability and a stable resource name for each, and with `withClaims` the stack that claims each: one list-keys request per page of 1,000 keys (plus, with `withClaims`, one list-kms-by-tags request per 1,000 claimed keys), no other KMS call. Names are derived from the whole project's listing, so filters never change them.",
  inputs: {
    keyState: {
      type: "string",
      kind: "input",
      rule: keyStateRule,
      description: 'Only keys in this state: "1" pending activation, "2" enabled, "3" disabled, "4" pending deletion, "5" pending import. Default: every state.',
    },
    keySpec: {
      type: "string",
      kind: "input",
      rule: keySpecRule,
      description: `Only keys of this spec: ${KEY_SPECS.join(", ")}, or ${ALL_KEY_SPECS}. Default: every spec (KMS itself would list AES_256 keys only).`,
    },
    rotatableOnly: {
      type: "boolean",
      kind: "input",
      rule: booleanRule("rotatableOnly"),
      description: "Only keys whose rotation KMS lets change now (`rotatable`). Default `false`.",
    },
    withClaims: {
      type: "boolean",
      kind: "input",
      rule: booleanRule("withClaims"),
      description:
        "Also name the stack that claims each key (`claimedBy`): one more request (list-kms-by-tags) per 1,000 claimed keys, beside the listing. Default `false`: no tag request.",
    },
  },
  outputs: {
    keys: { type: "array", items: listedKeyType, description: "The keys, in the order KMS lists them." },
  },
} as const satisfies FunctionSpec;
