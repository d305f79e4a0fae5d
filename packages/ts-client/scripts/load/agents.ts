// The providers' agents as the oracle sees them: one child process
// (agent-sim.ts) on 127.0.0.1 serving every provider's challenge endpoint with
// its agent key. The providers register `endpoint(i)`; the sweep fleet
// registers an endpoint nobody answers (its proofs come from the sweep).
import { type ChildProcess, fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { toHex } from "@cosmjs/encoding";
import type { SimInit, SimStats } from "./agent-sim";
import { type Account, type AgentKey, errorText } from "./model";

/** How long the simulator may take to listen. */
const READY_MS = 30_000;

export class Agents {
  private child?: ChildProcess;
  /** The last statistics read (kept after the simulator stopped). */
  stats?: SimStats;

  constructor(
    readonly port: number,
    /** The providers whose agents answer, in endpoint order. */
    readonly served: Account[],
  ) {}

  /** The endpoint a served provider registers. */
  endpoint(i: number): string {
    return `http://127.0.0.1:${this.port}/a/${i}`;
  }

  /** An endpoint where no agent answers (the oracle daemon's challenge gets a 404). */
  offline(i: number): string {
    return `http://127.0.0.1:${this.port}/offline/${i}`;
  }

  /** Forks the simulator and waits until it listens; its pid goes to `pidFile` (scripts/load.sh stops it if the run dies). */
  async start(at: Omit<SimInit, "type" | "port" | "agents">, pidFile: string): Promise<void> {
    const child = fork(resolve(__dirname, "agent-sim.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child = child;
    if (child.pid !== undefined) writeFileSync(pidFile, `${child.pid}\n`);
    const agents = this.served.map((p) => {
      const key = p.agent as AgentKey;
      return { provider: p.address, privkeyHex: toHex(key.privkey), pubkeyHex: toHex(key.pubkey) };
    });
    const init: SimInit = { type: "init", port: this.port, agents, ...at };
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the agents' simulator did not listen on 127.0.0.1:${this.port} within 30 s`)),
        READY_MS,
      );
      child.once("message", (msg: { type: string; message?: string }) => {
        clearTimeout(timer);
        if (msg.type === "ready") resolveReady();
        else reject(new Error(`the agents' simulator failed: ${msg.message ?? msg.type}`));
      });
      child.once("exit", (code) => reject(new Error(`the agents' simulator exited (code ${code})`)));
      child.send(init);
    });
  }

  /** The answers per epoch so far. */
  async readStats(): Promise<SimStats | undefined> {
    const child = this.child;
    if (!child?.connected) return this.stats;
    try {
      this.stats = await new Promise<SimStats>((resolveStats, reject) => {
        const timer = setTimeout(() => reject(new Error("no answer within 10 s")), 10_000);
        child.once("message", (msg: SimStats) => {
          clearTimeout(timer);
          resolveStats(msg);
        });
        child.send({ type: "stats" });
      });
    } catch (err) {
      console.error(`agents' simulator: statistics not read (${errorText(err)})`);
    }
    return this.stats;
  }

  /** Reads the last statistics and stops the simulator. */
  async stop(): Promise<void> {
    await this.readStats();
    this.kill();
  }

  /** Stops the simulator at once (also on the way out of a failed run). */
  kill(): void {
    if (this.child && this.child.exitCode === null) this.child.kill("SIGTERM");
  }
}
