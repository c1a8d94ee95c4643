import { describe, expect, it } from "vitest";
import { nameFromAlias, resourceNamesFor } from "./resource-names.js";

const ID1 = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const ID2 = "1e1577c1-f838-4e0d-c46e-095cc585b480";
const ID3 = "2f2688d2-0949-4f1e-d57f-1a6dd696c591";

describe("nameFromAlias", () => {
  it.each([
    ["payments", "payments"],
    ["Payments_DB", "payments-db"],
    ["alias/orders:prod", "orders-prod"],
    ["obs/default", "obs-default"],
    ["--weird__name--", "weird-name"],
    ["2024-archive", "key-2024-archive"],
    ["", "key-0d0466b0"],
    [undefined, "key-0d0466b0"],
    ["___", "key-0d0466b0"],
  ])("%j → %s", (alias, name) => {
    expect(nameFromAlias(alias, ID1)).toBe(name);
  });

  it("keeps names short", () => {
    expect(nameFromAlias("a".repeat(300), ID1)).toHaveLength(60);
  });
});

describe("resourceNamesFor", () => {
  it("gives each key its alias when the aliases are unique", () => {
    const names = resourceNamesFor([
      { keyId: ID1, keyAlias: "orders" },
      { keyId: ID2, keyAlias: "payments" },
    ]);
    expect([...names]).toEqual([
      [ID1, "orders"],
      [ID2, "payments"],
    ]);
  });

  it("lets the oldest of colliding keys keep the bare name and suffixes the others with their key id", () => {
    const names = resourceNamesFor([
      { keyId: ID2, keyAlias: "Payments", creationDate: "2025-02-01T00:00:00.000Z" },
      { keyId: ID1, keyAlias: "payments", creationDate: "2025-03-01T00:00:00.000Z" },
      { keyId: ID3, keyAlias: "payments!", creationDate: "2024-01-01T00:00:00.000Z" },
    ]);
    expect(names.get(ID3)).toBe("payments");
    expect(names.get(ID2)).toBe("payments-1e1577c1");
    expect(names.get(ID1)).toBe("payments-0d0466b0");
  });

  it("does not rename an existing key when a younger key with the same alias appears", () => {
    const before = resourceNamesFor([{ keyId: ID2, keyAlias: "app", creationDate: "2025-01-01T00:00:00.000Z" }]);
    const after = resourceNamesFor([
      { keyId: ID1, keyAlias: "app", creationDate: "2026-01-01T00:00:00.000Z" },
      { keyId: ID2, keyAlias: "app", creationDate: "2025-01-01T00:00:00.000Z" },
    ]);
    expect(after.get(ID2)).toBe(before.get(ID2));
  });

  it("never gives two keys one name, even when a suffixed name is another key's alias", () => {
    const keys = [
      { keyId: ID1, keyAlias: "app", creationDate: "2025-01-01T00:00:00.000Z" },
      { keyId: ID2, keyAlias: "app", creationDate: "2025-02-01T00:00:00.000Z" },
      { keyId: ID3, keyAlias: "app-1e1577c1" },
    ];
    const names = resourceNamesFor(keys);
    expect(new Set(names.values()).size).toBe(3);
    expect(names.get(ID3)).toBe("app-1e1577c1");
  });

  it("tells apart keys that share an alias and the first group of their ids", () => {
    const a = "aaaaaaaa-0000-4000-8000-000000000001";
    const b = "aaaaaaaa-0000-4000-8000-000000000002";
    const c = "aaaaaaaa-0000-4000-8000-000000000003";
    const names = resourceNamesFor([
      { keyId: a, keyAlias: "x" },
      { keyId: b, keyAlias: "x" },
      { keyId: c, keyAlias: "x" },
    ]);
    expect([...names.values()]).toEqual(["x", "x-aaaaaaaa", "x-000000000003"]);
  });
});
