// The oracle of the load run is the real daemon, `depin-oracle`
// (packages/provider-agent, src/oracle): `init` writes its config and a hot
// key, `grant` has the registry's oracle (the `arbiter` test account, the one
// oracle of the load params) grant that hot key `prove_liveness` through authz
// and pay its fees through a fee grant, and `run` challenges every active
// provider's endpoint once an epoch (the agents' simulator answers, agents.ts)
// and submits the answers in `prove_liveness` batches, as it would on a real
// chain. The run only starts and stops it, reads its metrics and its log
// (when it broadcast each batch); what it did on chain is read from the
// blocks (proofs.ts).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { errorText, sleep } from "./model";

/** How long the daemon may take to start and find its grants, and to stop after SIGTERM. */
const START_MS = 60_000;
const STOP_MS = 30_000;

/** One line of the daemon's JSON log (tracing-subscriber's json format). */
interface LogLine {
  timestamp?: string;
  level?: string;
  fields?: Record<string, unknown>;
}

/** What the daemon's log says: when it broadcast each transaction (by hash), and its warnings. */
export interface OracleLog {
  broadcastMs: Map<string, number>;
  warnings: Map<string, number>;
  errors: string[];
}

/** The daemon's counters (GET /metrics), by metric and label. */
export type OracleMetrics = Map<string, number>;

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(bin, args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args[0]} failed: ${stderr.trim().split("\n").slice(-3).join(" ") || err.message}`));
      else resolveRun(stdout);
    });
  });
}

/** What the daemon is started with: the chain, the suite's deployment, and the oracle that grants its hot key. */
export interface OracleLaunch {
  bin: string;
  rpc: string;
  chainId: string;
  deploymentFile: string;
  oracle: {
    name: string;
    address: string;
    mnemonic: string;
    /** Called once the oracle's grant landed: its account's sequence moved. */
    granted: () => Promise<void>;
  };
}

export class OracleDaemon {
  readonly dir: string;
  readonly logFile: string;
  readonly metricsUrl: string;
  hot = "";
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  metrics?: OracleMetrics;
  log?: OracleLog;

  constructor(
    /** The chain's folder (its deployment.json); the daemon's own is load-oracle/ in it. */
    chainDir: string,
    readonly metricsPort: number,
    private readonly say: (line: string) => void,
  ) {
    this.dir = resolve(chainDir, "load-oracle");
    this.logFile = resolve(this.dir, "oracle.log");
    this.metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  }

  /**
   * A fresh folder with the daemon's config (metrics on 127.0.0.1:`metricsPort`, providers read
   * 100 a page, the registry's limit), its hot key granted by the arbiter, then `run` in the
   * background until it found its grants. Its pid goes to oracle.pid (scripts/load.sh stops it
   * if the run dies).
   */
  async start(launch: OracleLaunch): Promise<void> {
    const { bin, oracle } = launch;
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    const mnemonicFile = resolve(this.dir, "arbiter.mnemonic");
    writeFileSync(mnemonicFile, `${oracle.mnemonic}\n`, { mode: 0o600 });
    await run(bin, [
      "init",
      "--dir",
      this.dir,
      "--rpc",
      launch.rpc,
      "--chain-id",
      launch.chainId,
      "--deployment",
      launch.deploymentFile,
      "--oracle",
      oracle.address,
    ]);
    const configFile = resolve(this.dir, "oracle.toml");
    const config = readFileSync(configFile, "utf8")
      .replace(/^metrics = .*$/m, `metrics = "127.0.0.1:${this.metricsPort}"`)
      .replace(/^page_limit = .*$/m, "page_limit = 100");
    writeFileSync(configFile, config);
    const granted = JSON.parse(await run(bin, ["grant", "-c", configFile, "--oracle-mnemonic-file", mnemonicFile]));
    this.hot = String(granted.hot);
    // The grant was the arbiter's transaction: its sequence moved.
    await oracle.granted();
    this.say(`oracle: depin-oracle's hot key ${this.hot} granted by ${oracle.name} (tx ${granted.tx}); starting it`);
    const out = openSync(this.logFile, "a");
    const child = spawn(bin, ["run", "-c", configFile], { stdio: ["ignore", out, out] });
    closeSync(out);
    this.child = child;
    this.exited = new Promise((resolveExit) => child.once("exit", (code) => resolveExit(code)));
    if (child.pid !== undefined) writeFileSync(resolve(this.dir, "oracle.pid"), `${child.pid}\n`);
    const t0 = Date.now();
    while (!this.logText().includes('"authz and fee grants in place"')) {
      if (child.exitCode !== null) throw new Error(`depin-oracle run exited (code ${child.exitCode}); see ${this.logFile}`);
      if (Date.now() - t0 > START_MS) throw new Error(`depin-oracle did not find its grants within 60 s; see ${this.logFile}`);
      await sleep(300);
    }
    this.say(`oracle: depin-oracle running (pid ${child.pid}), log ${this.logFile}, metrics ${this.metricsUrl}`);
  }

  private logText(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, "utf8") : "";
  }

  /** The daemon's counters now. */
  async readMetrics(): Promise<OracleMetrics | undefined> {
    try {
      const text = await (await fetch(this.metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
      const metrics: OracleMetrics = new Map();
      for (const line of text.split("\n")) {
        const m = /^(depin_oracle_[a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+)$/.exec(line.trim());
        if (m) metrics.set(m[1], Number(m[2]));
      }
      this.metrics = metrics;
    } catch (err) {
      this.say(`oracle: metrics not read (${errorText(err)})`);
    }
    return this.metrics;
  }

  /** SIGTERM (the daemon stops cleanly, its state saved), then its log is read. */
  async stop(): Promise<void> {
    await this.readMetrics();
    const child = this.child;
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      const code = await Promise.race([this.exited, sleep(STOP_MS).then(() => "timeout" as const)]);
      if (code === "timeout") {
        this.say("oracle: depin-oracle did not stop within 30 s of SIGTERM: killed");
        child.kill("SIGKILL");
      }
    }
    this.log = this.readLog();
  }

  /** Stops the daemon at once (on the way out of a failed run). */
  kill(): void {
    if (this.child && this.child.exitCode === null) this.child.kill("SIGKILL");
  }

  /** When each transaction was broadcast, and the warnings by message (counted). */
  private readLog(): OracleLog {
    const log: OracleLog = { broadcastMs: new Map(), warnings: new Map(), errors: [] };
    for (const text of this.logText().split("\n")) {
      if (!text.startsWith("{")) continue;
      let line: LogLine;
      try {
        line = JSON.parse(text);
      } catch {
        continue;
      }
      const fields = line.fields ?? {};
      const message = String(fields.message ?? "");
      if (message === "broadcast" && typeof fields.hash === "string" && line.timestamp)
        log.broadcastMs.set(fields.hash.toUpperCase(), Date.parse(line.timestamp));
      if (line.level === "WARN") log.warnings.set(message, (log.warnings.get(message) ?? 0) + 1);
      if (line.level === "ERROR") log.errors.push(`${message} ${JSON.stringify(fields)}`.slice(0, 300));
    }
    return log;
  }
}
