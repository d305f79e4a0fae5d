// The provider agents' challenge endpoints, simulated in one process (forked by
// agents.ts), so thousands of providers fit on one machine: every provider's
// registered `endpoint` is http://127.0.0.1:<port>/a/<index>, and
// POST /a/<index>/liveness answers the oracle as the agent's server.rs does:
// `{epoch, nonce}` in, `{provider, epoch, agent_pubkey, signature}` out, the
// signature by that provider's agent key over the liveness digest (RFC 6979,
// low s: @depin/ts-client's signLiveness); 422 with the agent's sentence for a
// nonce of the wrong length or an epoch other than the current and the
// previous (local clock, ±1 s at the boundary); 429 above 10 challenges in a
// second per agent. GET /a/<index>/health names the provider. Anything else
// (the sweep fleet's endpoints, /offline/<index>) is 404: no agent answers
// there, so the oracle daemon cannot prove those providers.
//
// The parent sends one `init` message (the agents, the chain id, the registry
// and its epochs) and gets `ready`; a `stats` message gets the answers per
// epoch (count, first and last answer, signing time) back.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fromBase64, fromHex, toBase64 } from "@cosmjs/encoding";
import { signLiveness } from "../../src";

/** What the parent sends first. */
export interface SimInit {
  type: "init";
  port: number;
  chainId: string;
  registry: string;
  genesisS: number;
  epochSeconds: number;
  agents: { provider: string; privkeyHex: string; pubkeyHex: string }[];
}

/** Answers per epoch. */
export interface EpochAnswers {
  epoch: number;
  answered: number;
  refused: number;
  firstMs: number;
  lastMs: number;
  /** Time spent signing (the simulator's share of the challenge phase). */
  signMs: number;
}

export interface SimStats {
  type: "stats";
  epochs: EpochAnswers[];
  notFound: number;
  rateLimited: number;
}

/** Liveness challenges answered per second per agent, at most (server.rs CHALLENGES_PER_SECOND). */
const CHALLENGES_PER_SECOND = 10;
/** challenge.rs CLOCK_SKEW_SECONDS, MIN_NONCE_BYTES, MAX_NONCE_BYTES. */
const CLOCK_SKEW_SECONDS = 1;
const MIN_NONCE_BYTES = 8;
const MAX_NONCE_BYTES = 64;

interface Agent {
  provider: string;
  privkey: Uint8Array;
  pubkey: string;
  second: number;
  inSecond: number;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function serve(init: SimInit): void {
  const agents: Agent[] = init.agents.map((a) => ({
    provider: a.provider,
    privkey: fromHex(a.privkeyHex),
    pubkey: toBase64(fromHex(a.pubkeyHex)),
    second: 0,
    inSecond: 0,
  }));
  const epochs = new Map<number, EpochAnswers>();
  const stats = { notFound: 0, rateLimited: 0 };
  const epochAt = (s: number) => Math.floor(Math.max(0, s - init.genesisS) / init.epochSeconds);
  const tally = (epoch: number) => {
    let e = epochs.get(epoch);
    if (!e) {
      e = { epoch, answered: 0, refused: 0, firstMs: 0, lastMs: 0, signMs: 0 };
      epochs.set(epoch, e);
    }
    return e;
  };

  async function liveness(agent: Agent, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const nowMs = Date.now();
    const now = Math.floor(nowMs / 1000);
    if (agent.second !== now) {
      agent.second = now;
      agent.inSecond = 0;
    }
    if (++agent.inSecond > CHALLENGES_PER_SECOND) {
      stats.rateLimited++;
      return reply(res, 429, { error: `more than ${CHALLENGES_PER_SECOND} liveness challenges in one second: try again` });
    }
    let challenge: { epoch?: unknown; nonce?: unknown };
    let nonce: Uint8Array;
    try {
      challenge = JSON.parse(await readBody(req));
      nonce = fromBase64(String(challenge.nonce));
    } catch (err) {
      return reply(res, 400, { error: `not a challenge: ${err instanceof Error ? err.message : String(err)}` });
    }
    const epoch = Number(challenge.epoch);
    if (nonce.length < MIN_NONCE_BYTES || nonce.length > MAX_NONCE_BYTES) {
      tally(epoch).refused++;
      return reply(res, 422, {
        error: `the nonce is ${nonce.length} bytes; a challenge's nonce is ${MIN_NONCE_BYTES} to ${MAX_NONCE_BYTES} bytes`,
      });
    }
    const latest = epochAt(now + CLOCK_SKEW_SECONDS);
    const earliest = Math.max(0, epochAt(now - CLOCK_SKEW_SECONDS) - 1);
    if (!Number.isSafeInteger(epoch) || epoch < earliest || epoch > latest) {
      tally(epoch).refused++;
      return reply(res, 422, {
        error: `epoch ${epoch} is not open: this agent answers for the current epoch (${epochAt(now)}) and the previous one`,
      });
    }
    const t0 = performance.now();
    const signature = signLiveness(agent.privkey, init.chainId, init.registry, agent.provider, epoch, nonce);
    const e = tally(epoch);
    e.signMs += performance.now() - t0;
    e.answered++;
    e.firstMs ||= nowMs;
    e.lastMs = Date.now();
    reply(res, 200, { provider: agent.provider, epoch, agent_pubkey: agent.pubkey, signature: toBase64(signature) });
  }

  const server = createServer((req, res) => {
    const m = /^\/a\/(\d+)\/(liveness|health)$/.exec(req.url ?? "");
    const agent = m ? agents[Number(m[1])] : undefined;
    if (!m || !agent) {
      stats.notFound++;
      return reply(res, 404, { error: `no provider agent answers at ${req.url}` });
    }
    if (m[2] === "health" && req.method === "GET") return reply(res, 200, { provider: agent.provider });
    if (m[2] === "liveness" && req.method === "POST") {
      liveness(agent, req, res).catch((err) => reply(res, 500, { error: String(err) }));
      return;
    }
    reply(res, 405, { error: `${req.method} ${req.url}: POST /liveness or GET /health` });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(init.port, "127.0.0.1", () => process.send?.({ type: "ready" }));
  server.on("error", (err) => {
    process.send?.({ type: "error", message: err.message });
    process.exit(1);
  });
  process.on("message", (msg: { type?: string }) => {
    if (msg.type === "stats") {
      const reply: SimStats = { type: "stats", epochs: [...epochs.values()].sort((a, b) => a.epoch - b.epoch), ...stats };
      process.send?.(reply);
    }
  });
}

if (require.main === module) {
  process.once("message", (msg: SimInit) => serve(msg));
  // The parent's exit closes the channel: stop with it.
  process.on("disconnect", () => process.exit(0));
}
