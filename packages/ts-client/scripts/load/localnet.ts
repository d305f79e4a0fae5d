// scripts/localnet.sh from the load run: --fault kills a validator halfway
// through a phase and restarts it later, --pin pins the codes through x/gov.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { REPO_ROOT } from "../devnet";
import { latestHeight, nodeSync } from "../load-stats";
import { FAULT_NODE, sleep } from "./model";

/** How long the restarted validator may take to catch up with node 0. */
const CATCH_UP_LIMIT_MS = 180_000;

/** Runs scripts/localnet.sh with these arguments, its output passed through (minus the cached-binary line). */
export function localnet(args: string[]): Promise<void> {
  return new Promise<void>((resolveDone, reject) => {
    execFile(resolve(REPO_ROOT, "scripts/localnet.sh"), args, (err, stdout, stderr) => {
      process.stdout.write(
        stdout +
          stderr
            .split("\n")
            .filter((l) => !/wasmd v[\d.]+ cached/.test(l))
            .join("\n"),
      );
      if (err) reject(new Error(`scripts/localnet.sh ${args.join(" ")} failed: ${stderr.trim().split("\n").pop() ?? err.message}`));
      else resolveDone();
    });
  });
}

/** What happened to the killed validator (section *Fault* of the report). */
export interface FaultLog {
  killedAtMs: number;
  killHeight: number;
  restartedAtMs?: number;
  restartHeight?: number;
  /** Restart, then follow the node until it is within one block of node 0 and not catching up. */
  restart?: Promise<void>;
  caughtUpS?: number;
  caughtUpHeight?: number;
  appHash?: { height: number; node0: string; restarted: string };
}

/** --fault: validator FAULT_NODE is killed when `start` is called and restarted `downS` seconds later. */
export class Fault {
  log: FaultLog | undefined;

  constructor(
    /** The RPC the run reads from (node 0) and the killed validator's. */
    private readonly rpc: string,
    private readonly faultRpc: string,
    private readonly downS: number,
    private readonly say: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    const killHeight = await latestHeight(this.rpc);
    await localnet(["kill", String(FAULT_NODE)]);
    const fl: FaultLog = { killedAtMs: Date.now(), killHeight };
    this.log = fl;
    this.say(`fault: validator ${FAULT_NODE} killed at height ${killHeight}; it restarts in ${this.downS} s`);
    fl.restart = sleep(this.downS * 1000).then(() => this.restart(fl));
    // Awaited (and its failure reported) after the phases.
    fl.restart.catch(() => undefined);
  }

  private async restart(fl: FaultLog): Promise<void> {
    fl.restartHeight = await latestHeight(this.rpc);
    fl.restartedAtMs = Date.now();
    await localnet(["restart", String(FAULT_NODE)]);
    this.say(`fault: validator ${FAULT_NODE} restarted at height ${fl.restartHeight}`);
    for (;;) {
      const restarted = await nodeSync(this.faultRpc);
      const top = await latestHeight(this.rpc);
      if (!restarted.catchingUp && restarted.height >= top - 1) {
        fl.caughtUpS = (Date.now() - (fl.restartedAtMs ?? Date.now())) / 1000;
        fl.caughtUpHeight = restarted.height;
        this.say(`fault: validator ${FAULT_NODE} caught up (height ${restarted.height}) ${fl.caughtUpS.toFixed(1)} s after its restart`);
        return;
      }
      if (Date.now() - (fl.restartedAtMs ?? 0) > CATCH_UP_LIMIT_MS) {
        throw new Error(
          `validator ${FAULT_NODE} is at height ${restarted.height} (catching up: ${restarted.catchingUp}) 180 s after its restart; node 0 is at ${top}`,
        );
      }
      await sleep(500);
    }
  }
}
