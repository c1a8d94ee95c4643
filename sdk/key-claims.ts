// One key, one KeyRotation per stack. Two resources that manage the same key overwrite each
// other's settings on every run, and deleting either one turns rotation off under the other, so
// the program refuses the second declaration. Every KeyRotation's key id reaches the engine only
// after the claims made in the same turn of the program are all recorded, so a duplicate among
// key ids known at construction (literals, stack config) fails both resources before the engine
// sees either of them: no KMS call is made.
import * as pulumi from "@pulumi/pulumi";
import { duplicateKeyMessage } from "../provider/resources/key-rotation/one-owner.js";

export { duplicateKeyMessage };

/** The claims of one program run: key id → names of the resources that declare it, in order. */
type Claims = Map<string, string[]>;

// Keyed by the run's resource monitor, so Automation API programs run one after another in one
// process (each with its own monitor) never see each other's claims.
const claimsByRun = new WeakMap<object, Claims>();
const claimsWithoutEngine: Claims = new Map();

function runClaims(): Claims {
  const monitor = pulumi.runtime.getMonitor() as object | undefined;
  if (monitor === undefined) return claimsWithoutEngine;
  let claims = claimsByRun.get(monitor);
  if (claims === undefined) {
    claims = new Map();
    claimsByRun.set(monitor, claims);
  }
  return claims;
}

/** A macrotask: every claim made synchronously by the program (and its microtasks) is in by then. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Claims `keyId` for the resource `name` and returns the key id to hand the engine: it resolves
 * once the claims of the program's current turn are recorded, and fails (naming every resource
 * and the key) when another resource of this run claims the same key.
 */
export function claimKey(name: string, keyId: pulumi.Input<string>): pulumi.Output<string> {
  const claims = runClaims();
  return pulumi.output(keyId).apply(async (id) => {
    if (typeof id !== "string") return id;
    const names = claims.get(id) ?? [];
    names.push(name);
    claims.set(id, names);
    await nextTurn();
    if (names.length > 1) {
      // The SDK attaches its handlers to a failed input late, and Node would add a warning line
      // about that to the error the user must read; the program is failing either way.
      if (process.listenerCount("rejectionHandled") === 0) process.on("rejectionHandled", () => undefined);
      throw new pulumi.RunError(duplicateKeyMessage(id, names));
    }
    return id;
  });
}
