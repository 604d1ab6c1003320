// A real HTTP receiver on loopback for the end-to-end specs: records every request's
// headers and exact body bytes, answers with a status the test sets, and verifies
// Standard Webhooks signatures the way a receiver would.

import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

export async function startReceiver() {
  const requests = [];
  const waiters = [];
  let status = 200;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      requests.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      for (const w of waiters.splice(0)) w();
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ received: true, status }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/hooks/orders`,
    requests,
    setStatus(s) {
      status = s;
    },
    /** Waits until `n` requests have arrived in all. */
    async waitFor(n, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      while (requests.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} requests, got ${requests.length}`);
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, Math.min(left, 200));
        });
      }
      return requests.slice(0, n);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Whether a request's `webhook-signature` verifies with a `whsec_…` secret. */
export function verifies(request, secret) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const id = request.headers["webhook-id"];
  const timestamp = request.headers["webhook-timestamp"];
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(createHmac("sha256", key).update(`${id}.${timestamp}.${request.body}`).digest("base64"));
  return (request.headers["webhook-signature"] || "")
    .split(" ")
    .map((s) => Buffer.from(s.replace(/^v1,/, "")))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}
