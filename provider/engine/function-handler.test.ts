import { describe, expect, it } from "vitest";
import { KmsApiError } from "../kms/kms-api-error.js";
import { getKeyRotationSpec } from "../functions/get-key-rotation/spec.js";
import { listKeysSpec } from "../functions/list-keys/spec.js";
import { failuresMessage, FunctionHandler } from "./function-handler.js";
import { KmsSession, type KmsApi } from "./kms-session.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

function fakeKms(calls: string[], fail?: Error): KmsApi {
  const answer = <T>(op: string, value: T): Promise<T> => {
    calls.push(op);
    return fail ? Promise.reject(fail) : Promise.resolve(value);
  };
  return {
    listKeys: () => answer("list-keys", { keys: [{ keyId: KEY, keyState: "2", isDefaultKey: false, keyAlias: "orders" }], truncated: false }),
    getKeyRotationStatus: () => answer("get-key-rotation-status", { enabled: true, intervalDays: 90, numberOfRotations: 1 }),
    describeKey: () => Promise.reject(new Error("unexpected")),
    enableKeyRotation: () => Promise.reject(new Error("unexpected")),
    disableKeyRotation: () => Promise.reject(new Error("unexpected")),
    updateKeyRotationInterval: () => Promise.reject(new Error("unexpected")),
    showKeyTags: () => Promise.reject(new Error("unexpected")),
    addKeyTags: () => Promise.reject(new Error("unexpected")),
    removeKeyTags: () => Promise.reject(new Error("unexpected")),
    listKeysByTags: () => answer("list-kms-by-tags", { resources: [{ resourceId: KEY, tags: [{ key: "pulumi-rotation-owner", value: "payments/prod" }] }], totalCount: 1 }),
  };
}

/** The error `p` rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
}

/** A handler whose settings cannot resolve unless `api` replaces the client. */
function handler(api?: KmsApi): { functions: FunctionHandler; lookups: () => number } {
  let lookups = 0;
  const session = new KmsSession({
    sources: () => {
      lookups++;
      return { env: {} };
    },
  });
  if (api) session.replaceClient(api);
  return { functions: new FunctionHandler(session), lookups: () => lookups };
}

describe("FunctionHandler", () => {
  it("runs each declared function with its checked arguments", async () => {
    const calls: string[] = [];
    const { functions } = handler(fakeKms(calls));
    const listed = await functions.invoke(listKeysSpec.token, { rotatableOnly: true });
    expect(listed).toMatchObject({ result: { keys: [{ keyId: KEY, resourceName: "orders", rotatable: true }] }, failures: [] });
    expect(await functions.call(getKeyRotationSpec, { keyId: KEY })).toEqual({ keyId: KEY, enabled: true, intervalDays: 90, numberOfRotations: 1 });
    expect(calls).toEqual(["list-keys", "get-key-rotation-status"]);
  });

  it("refuses bad arguments before looking up settings or calling KMS", async () => {
    const { functions, lookups } = handler();
    expect(await functions.invoke(getKeyRotationSpec.token, { keyId: "alias/orders" })).toEqual({
      failures: [{ property: "keyId", reason: expect.stringContaining('keyId "alias/orders" is not a KMS key id') as string }],
    });
    await expect(functions.call(getKeyRotationSpec, {})).rejects.toThrow(
      "Invoke of 'huaweicloud-kms:index:getKeyRotation' failed: keyId is required and must be a string; got undefined",
    );
    expect(lookups()).toBe(0);
  });

  it("fails in one line on missing settings, KMS refusals and unknown functions", async () => {
    const missing = await rejection(handler().functions.invoke(listKeysSpec.token, {}));
    expect(missing.message).toMatch(/projectId|endpoint|region/);
    expect(missing.stack).toBe(missing.message);

    const refusal = new KmsApiError({ status: 404, code: "KMS.0207", operation: "get-key-rotation-status", retryable: false, mayHaveLanded: false, attempts: 1 });
    const refused = await rejection(handler(fakeKms([], refusal)).functions.invoke(getKeyRotationSpec.token, { keyId: KEY }));
    expect(refused.message).toBe(refusal.message);
    expect(refused.stack).toBe(refused.message);

    await expect(handler().functions.invoke("huaweicloud-kms:index:nope", {})).rejects.toThrow(
      "unknown function huaweicloud-kms:index:nope: huaweicloud-kms has huaweicloud-kms:index:listKeys, huaweicloud-kms:index:getKeyRotation",
    );
  });

  it("words refused arguments as @pulumi/pulumi does for an Invoke's failures", () => {
    expect(failuresMessage("t", [{ property: "a", reason: "bad a" }, { property: "b", reason: "bad b" }])).toBe("Invoke of 't' failed: bad a (a); bad b (b)");
  });
});
