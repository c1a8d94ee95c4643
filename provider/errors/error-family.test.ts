// Every kind of the family, side by side: each recognises itself and no other kind, and all are
// KmsProviderErrors.
import { describe, expect, it } from "vitest";
import { KmsConfigError } from "../config/kms-config.js";
import { KmsApiError } from "../kms/kms-api-error.js";
import { AdoptMismatchError, RotationRefusalError, RotationProgressError } from "../resources/key-rotation/lifecycle.js";
import { TransportError } from "../transport/http-request.js";
import { KmsProviderError } from "./kms-provider-error.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const api = new KmsApiError({ status: 503, code: "KMS.0104", operation: "describe-key", retryable: true, mayHaveLanded: true, attempts: 1 });

const kinds = [
  { kind: KmsApiError, sample: api },
  { kind: KmsConfigError, sample: new KmsConfigError("region", "bad region") },
  { kind: RotationProgressError, sample: new RotationProgressError({ keyId: KEY, enabled: true, intervalDays: 90, numberOfRotations: 0 }, api) },
  { kind: RotationRefusalError, sample: new RotationRefusalError("refused") },
  { kind: AdoptMismatchError, sample: new AdoptMismatchError("differs") },
  { kind: TransportError, sample: new TransportError("network", "ECONNRESET", "reset", { mayHaveLanded: true }) },
] as const;

describe("the error family", () => {
  it.each(kinds.map(({ kind, sample }) => [kind.name, kind, sample] as const))("%s recognises itself and no other kind", (_, kind, sample) => {
    expect(KmsProviderError.isInstance(sample)).toBe(true);
    expect(sample.name).toBe(kind.name);
    for (const other of kinds) expect(kind.isInstance(other.sample)).toBe(other.sample === sample);
  });

  it("keeps the messages: a progress error speaks with its cause's message", () => {
    const e = kinds[2].sample;
    expect(e.message).toBe(api.message);
    expect(e.cause).toBe(api);
  });
});
