import { describe, expect, it } from "vitest";
import { listKeysBody } from "./list-keys-request.js";

describe("listKeysBody", () => {
  it("asks for every spec and 1000 keys a page unless told otherwise, every field a string", () => {
    expect(listKeysBody({})).toEqual({ limit: "1000", key_spec: "ALL" });
    expect(listKeysBody({ limit: 50, marker: "100", keyState: "2", keySpec: "SM4" })).toEqual({
      limit: "50",
      marker: "100",
      key_state: "2",
      key_spec: "SM4",
    });
  });

  it("leaves an empty marker out (the first page)", () => {
    expect(listKeysBody({ marker: "" })).toEqual({ limit: "1000", key_spec: "ALL" });
  });

  it.each([
    [{ limit: 0 }, "limit 0 is not a whole number from 1 to 1000"],
    [{ limit: 1001 }, "limit 1001"],
    [{ limit: 2.5 }, "limit 2.5"],
    [{ keyState: "7" }, 'keyState "7" is not one of 1, 2, 3, 4, 5'],
    [{ keySpec: "aes_256" }, 'keySpec "aes_256" is not one of AES_256, SM4'],
  ])("refuses %o, naming the field, the value and the rule", (request, message) => {
    expect(listKeysBody(request)).toContain(message);
  });
});
