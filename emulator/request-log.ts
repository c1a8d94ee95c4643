// The record of API requests that tests assert on ("was enable called exactly once?").
// Headers are never kept: they carry credentials.

/**
 * One API request as `GET /__admin/requests` lists it. Optional fields that do not apply may be
 * held as undefined; the listing is JSON, which leaves them out.
 */
export interface RequestLogEntry {
  /** The KMS or IAM operation (`iam-list-projects`, ...), or the raw path for requests that matched no operation. */
  operation: string;
  /** `key_id` of the body when it had a string one. */
  keyId?: string;
  /** Project of the path. */
  projectId?: string;
  /**
   * Region of the KMS endpoint called: the path's prefix, or the default project's region for an
   * un-prefixed path. Absent for IAM calls (IAM is global) and paths that match nothing.
   */
  region?: string;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** HTTP status answered; 0 while unanswered and for dropped or hanging connections. */
  status: number;
  errorCode?: string;
  /** ISO-8601 arrival time. */
  at: string;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  /** Appends in arrival order; the returned entry is completed when the answer is known. */
  record(entry: RequestLogEntry): RequestLogEntry {
    this.entries.push(entry);
    return entry;
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  clear(): void {
    this.entries = [];
  }
}

/** The body as the log shows it: JSON when it parses, text otherwise. */
export function loggableBody(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
