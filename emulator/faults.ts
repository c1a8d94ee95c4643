// Fault injection: rules added through the admin API decide, per API request, whether it is
// delayed, answered with an error, dropped, or left hanging, so clients' retry and
// idempotency logic can be exercised deterministically.
import { z } from "zod";
import { KMS_OPERATIONS } from "../provider/kms/kms-rules.js";
import { IAM_OPERATIONS } from "./iam-handlers.js";

const matchFields = {
  /** Only requests for this operation (a KMS or an IAM one); absent = all operations. */
  operation: z.enum([...KMS_OPERATIONS, ...IAM_OPERATIONS]).optional(),
  /** Only requests whose body names this key; absent = any key. */
  keyId: z.string().optional(),
  /** Only KMS requests for this project (the path's); absent = any project, and IAM calls too. */
  projectId: z.string().optional(),
  /** Only KMS requests to this region's endpoint (un-prefixed paths are the default region's); absent = any region, and IAM calls too. */
  region: z.string().optional(),
  /** Fire this many times, then retire; absent = forever. */
  times: z.int().positive().optional(),
  /** Chance to fire on a matching request, 0..1; absent = always. */
  probability: z.number().min(0).max(1).optional(),
};

/** A fault rule as accepted by `POST /__admin/faults`. */
export const faultRuleSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    ...matchFields,
    kind: z.literal("status"),
    status: z.int().min(400).max(599),
    /** Default: APIG.0308 for 429, KMS.0104 for 503, KMS.0101 otherwise. */
    errorCode: z.string().optional(),
    errorMsg: z.string().optional(),
    /** `Retry-After` seconds; 429 answers carry 1 unless told otherwise, `null` sends none. */
    retryAfter: z.int().nonnegative().nullable().optional(),
    /** Perform the operation first, then answer with the error (a failure that did land). */
    afterApply: z.boolean().optional(),
  }),
  z.strictObject({
    ...matchFields,
    kind: z.literal("latency"),
    ms: z.int().nonnegative(),
    jitterMs: z.int().nonnegative().optional(),
  }),
  z.strictObject({ ...matchFields, kind: z.literal("reset-before") }),
  z.strictObject({ ...matchFields, kind: z.literal("reset-after") }),
  z.strictObject({ ...matchFields, kind: z.literal("hang") }),
]);

export type FaultRule = z.infer<typeof faultRuleSchema>;
/** A fault that ends the request other than normally (everything but latency). */
export type FaultAction = Exclude<FaultRule, { kind: "latency" }>;

/** A rule as listed by `GET /__admin/faults`. */
export type ActiveFault = FaultRule & { id: string; hits: number; remaining?: number };

/** Where a request goes, for the `projectId` and `region` matchers; IAM calls have neither. */
export interface FaultTarget {
  projectId?: string | undefined;
  region?: string | undefined;
}

/** What the faults decided for one request. */
export interface FaultDecision {
  delayMs: number;
  action?: FaultAction;
}

/** Deterministic PRNG (mulberry32) so probabilistic faults can be replayed in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private rules: ActiveFault[] = [];
  private nextId = 1;

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): ActiveFault {
    const active: ActiveFault = { ...rule, id: `fault-${this.nextId++}`, hits: 0 };
    if (rule.times !== undefined) active.remaining = rule.times;
    this.rules.push(active);
    return { ...active };
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /**
   * Every matching latency rule adds its delay; the first matching other rule is the action.
   * Rules that fire use up one of their `times`.
   */
  decide(operation: string, keyId: string | undefined, target: FaultTarget = {}): FaultDecision {
    // Most emulators run without faults: every API request then asks, and nothing needs scanning or retiring.
    if (this.rules.length === 0) return { delayMs: 0 };
    const decision: FaultDecision = { delayMs: 0 };
    let consumed = false;
    for (const rule of this.rules) {
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (rule.keyId !== undefined && rule.keyId !== keyId) continue;
      if (rule.projectId !== undefined && rule.projectId !== target.projectId) continue;
      if (rule.region !== undefined && rule.region !== target.region) continue;
      if (rule.kind !== "latency" && decision.action) continue;
      if (rule.probability !== undefined && !(this.random() < rule.probability)) continue;
      this.consume(rule);
      consumed = true;
      if (rule.kind === "latency") {
        decision.delayMs += rule.ms + Math.floor(this.random() * (rule.jitterMs ?? 0));
      } else {
        decision.action = rule;
      }
    }
    // Only a rule that fired can have used up its last `times`.
    if (consumed) this.rules = this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
    return decision;
  }

  private consume(rule: ActiveFault): void {
    rule.hits += 1;
    if (rule.remaining !== undefined) rule.remaining -= 1;
  }
}
