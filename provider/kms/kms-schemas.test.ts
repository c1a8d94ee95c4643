import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kmsSchemas, normalizeTimestamp } from "./kms-schemas.js";

const ISO = "2017-08-01T09:11:12.000Z";

describe("get-key-rotation-status", () => {
  const parse = (body: unknown) => kmsSchemas().rotationStatus.parse(body);

  it.each([
    ["booleans and numbers", { key_rotation_enabled: true, rotation_interval: 30, last_rotation_time: 1501578672000, number_of_rotations: 3 }],
    ["strings everywhere", { key_rotation_enabled: "true", rotation_interval: "30", last_rotation_time: "1501578672000", number_of_rotations: "3" }],
    ["the doc's seconds", { key_rotation_enabled: "TRUE", rotation_interval: 30, last_rotation_time: "1501578672", number_of_rotations: 3 }],
    ["seconds as a number", { key_rotation_enabled: true, rotation_interval: " 30 ", last_rotation_time: 1501578672, number_of_rotations: "3" }],
    ["an ISO date", { key_rotation_enabled: true, rotation_interval: 30, last_rotation_time: "2017-08-01T09:11:12Z", number_of_rotations: 3 }],
  ])("normalizes %s", (_, body) => {
    expect(parse(body)).toEqual({ enabled: true, intervalDays: 30, lastRotationTime: ISO, numberOfRotations: 3 });
  });

  it.each([
    ["absent", {}],
    ["null", { last_rotation_time: null }],
    ["empty", { last_rotation_time: "" }],
    ["zero", { last_rotation_time: 0 }],
    ["zero string", { last_rotation_time: "0" }],
  ])("treats a %s last_rotation_time as never rotated", (_, extra) => {
    const status = parse({ key_rotation_enabled: "false", rotation_interval: 365, number_of_rotations: 0, ...extra });
    expect(status).toEqual({ enabled: false, intervalDays: 365, numberOfRotations: 0 });
    expect("lastRotationTime" in status).toBe(false);
  });

  it("defaults a missing interval to KMS's 365 days and a missing count to 0", () => {
    expect(parse({ key_rotation_enabled: false })).toEqual({ enabled: false, intervalDays: 365, numberOfRotations: 0 });
    expect(parse({ key_rotation_enabled: false, rotation_interval: null, number_of_rotations: null })).toEqual({
      enabled: false,
      intervalDays: 365,
      numberOfRotations: 0,
    });
  });

  it("ignores unknown fields", () => {
    expect(parse({ key_rotation_enabled: true, rotation_interval: 90, number_of_rotations: 0, extra: { x: 1 } })).toEqual({
      enabled: true,
      intervalDays: 90,
      numberOfRotations: 0,
    });
  });

  it.each([
    ["a missing enabled flag", { rotation_interval: 30 }],
    ["a non-boolean flag", { key_rotation_enabled: "yes" }],
    ["a fractional count", { key_rotation_enabled: true, number_of_rotations: 1.5 }],
    ["a negative interval", { key_rotation_enabled: true, rotation_interval: -30 }],
    ["a non-numeric interval", { key_rotation_enabled: true, rotation_interval: "thirty" }],
    ["an unreadable time", { key_rotation_enabled: true, last_rotation_time: "yesterday" }],
    ["a time before 2000", { key_rotation_enabled: true, last_rotation_time: -5 }],
    ["a non-object", "ok"],
  ])("rejects %s", (_, body) => {
    expect(kmsSchemas().rotationStatus.safeParse(body).success).toBe(false);
  });

  it("reads the same instant from seconds and milliseconds, as numbers or strings", () => {
    fc.assert(
      fc.property(fc.integer({ min: 946_684_800, max: 7_258_118_399 }), (seconds) => {
        const expected = new Date(seconds * 1000).toISOString();
        return [seconds, String(seconds), seconds * 1000, String(seconds * 1000)].every((v) => normalizeTimestamp(v) === expected);
      }),
    );
  });
});

describe("describe-key", () => {
  it("normalizes key_info", () => {
    const info = kmsSchemas().describeKey.parse({
      key_info: {
        key_id: "0d0466b0-e727-4d9c-b35d-f84bb474a37f",
        domain_id: "b168fe00ff56492495a7d22974df2d0b",
        key_alias: "kms_test",
        realm: "cn-north-4",
        key_description: "",
        creation_date: "1502799822000",
        scheduled_deletion_date: "",
        key_state: "2",
        default_key_flag: "0",
        key_type: "1",
        key_spec: "AES_256",
        key_usage: "ENCRYPT_DECRYPT",
        origin: "kms",
      },
    });
    expect(info).toEqual({
      keyId: "0d0466b0-e727-4d9c-b35d-f84bb474a37f",
      keyState: "2",
      keyAlias: "kms_test",
      origin: "kms",
      defaultKeyFlag: "0",
      isDefaultKey: false,
      keySpec: "AES_256",
      keyUsage: "ENCRYPT_DECRYPT",
      domainId: "b168fe00ff56492495a7d22974df2d0b",
      realm: "cn-north-4",
      creationDate: "2017-08-15T12:23:42.000Z",
    });
  });

  it("accepts numeric state and flag and the minimal shape", () => {
    expect(kmsSchemas().describeKey.parse({ key_info: { key_id: "k", key_state: 3, default_key_flag: 1 } })).toEqual({
      keyId: "k",
      keyState: "3",
      defaultKeyFlag: "1",
      isDefaultKey: true,
    });
    expect(kmsSchemas().describeKey.parse({ key_info: { key_id: "k", key_state: "4", default_key_flag: true, origin: "external" } })).toMatchObject({
      isDefaultKey: true,
      origin: "external",
    });
  });

  it("rejects a body without key_info or key_id", () => {
    expect(kmsSchemas().describeKey.safeParse({}).success).toBe(false);
    expect(kmsSchemas().describeKey.safeParse({ key_info: { key_state: "2" } }).success).toBe(false);
  });
});

describe("empty answers, errors", () => {
  it("accepts any object as an empty success", () => {
    expect(kmsSchemas().empty.safeParse({}).success).toBe(true);
    expect(kmsSchemas().empty.safeParse({ anything: 1 }).success).toBe(true);
    expect(kmsSchemas().empty.safeParse("x").success).toBe(false);
  });

  it("reads nested KMS errors and top-level gateway errors", () => {
    expect(kmsSchemas().errorBody.parse({ error: { error_code: "KMS.2901", error_msg: "not disabled" } })).toEqual({
      error_code: "KMS.2901",
      error_msg: "not disabled",
    });
    expect(kmsSchemas().errorBody.parse({ error_code: "APIG.0308", error_msg: "throttled", request_id: "r1" })).toEqual({
      error_code: "APIG.0308",
      error_msg: "throttled",
      request_id: "r1",
    });
  });

  it("builds the schemas once", () => {
    expect(kmsSchemas()).toBe(kmsSchemas());
  });
});
