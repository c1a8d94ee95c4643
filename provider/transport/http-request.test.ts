import { MockAgent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { sendHttpRequest, sharedDispatcher, TransportError } from "./http-request.js";

const agents: MockAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function mock(): { agent: MockAgent; origin: string } {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  agents.push(agent);
  return { agent, origin: "https://kms.example.com" };
}

async function transportError(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (e) {
    if (TransportError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("expected a TransportError");
}

describe("sendHttpRequest", () => {
  it("sends method, headers (Host included) and body as given, and returns status, lower-case headers and text", async () => {
    const { agent, origin } = mock();
    agent
      .get(origin)
      .intercept({ path: "/v1.0/p/kms/describe-key", method: "POST", body: '{"a":1}' })
      .reply(201, "hello", { headers: { "X-Request-Id": "abc", "Set-Cookie": ["a=1", "b=2"] } });
    const res = await sendHttpRequest({
      url: new URL(`${origin}/v1.0/p/kms/describe-key`),
      method: "POST",
      headers: { Host: "kms.example.com", "Content-Type": "application/json" },
      body: '{"a":1}',
      timeoutMs: 1000,
      dispatcher: agent,
    });
    expect(res).toEqual({ status: 201, headers: { "x-request-id": "abc", "set-cookie": "a=1, b=2" }, body: "hello" });
    expect(agent.getCallHistory()?.lastCall()?.headers).toEqual({ Host: "kms.example.com", "Content-Type": "application/json" });
  });

  it("does not interpret error statuses", async () => {
    const { agent, origin } = mock();
    agent.get(origin).intercept({ path: "/x", method: "POST" }).reply(503, "");
    const res = await sendHttpRequest({ url: new URL(`${origin}/x`), method: "POST", headers: {}, body: "", timeoutMs: 1000, dispatcher: agent });
    expect(res.status).toBe(503);
    expect(res.body).toBe("");
  });

  it("aborts after timeoutMs with a timeout TransportError", async () => {
    const { agent, origin } = mock();
    agent.get(origin).intercept({ path: "/slow", method: "POST" }).reply(200, "late").delay(60_000);
    const e = await transportError(sendHttpRequest({ url: new URL(`${origin}/slow`), method: "POST", headers: {}, timeoutMs: 20, dispatcher: agent }));
    expect(e).toMatchObject({ kind: "timeout", code: "TIMEOUT", mayHaveLanded: true });
  });

  it("reports connection failures with their code, also when nested in a cause", async () => {
    const { agent, origin } = mock();
    const pool = agent.get(origin);
    pool.intercept({ path: "/a", method: "POST" }).replyWithError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
    pool.intercept({ path: "/b", method: "POST" }).replyWithError(new Error("fetch failed", { cause: Object.assign(new Error("x"), { code: "EPIPE" }) }));
    pool.intercept({ path: "/c", method: "POST" }).replyWithError(new Error("mystery"));
    const send = (p: string) => sendHttpRequest({ url: new URL(`${origin}${p}`), method: "POST", headers: {}, timeoutMs: 1000, dispatcher: agent });
    expect(await transportError(send("/a"))).toMatchObject({ kind: "network", code: "ECONNRESET", mayHaveLanded: true });
    expect(await transportError(send("/b"))).toMatchObject({ kind: "network", code: "EPIPE", mayHaveLanded: true });
    expect(await transportError(send("/c"))).toMatchObject({ kind: "network", code: "UNKNOWN", message: "UNKNOWN: mystery", mayHaveLanded: false });
  });

  it("says a refused connection cannot have landed", async () => {
    const { agent, origin } = mock();
    agent.get(origin).intercept({ path: "/r", method: "POST" }).replyWithError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    const e = await transportError(sendHttpRequest({ url: new URL(`${origin}/r`), method: "POST", headers: {}, timeoutMs: 1000, dispatcher: agent }));
    expect(e).toMatchObject({ kind: "network", code: "ECONNREFUSED", mayHaveLanded: false });
  });

  it("shares one keep-alive pool per process", () => {
    expect(sharedDispatcher()).toBe(sharedDispatcher());
  });
});
