// The registry's epochs as the contract counts them: the run's calendar (a
// provider-day is one epoch) and the rewards' closed form both read it.
import type { ProviderRegistryTypes } from "../../src";

/** The registry's epochs, from its config: as the contract counts them. */
export class Epochs {
  constructor(
    /** Epoch 0 starts here (Unix seconds). */
    readonly genesisS: number,
    readonly seconds: number,
  ) {}
  static of(config: Pick<ProviderRegistryTypes.ConfigResponse, "genesis_time" | "epoch_seconds">): Epochs {
    return new Epochs(Number(BigInt(config.genesis_time) / 1_000_000_000n), config.epoch_seconds);
  }
  at(s: number): number {
    return Math.floor(Math.max(0, s - this.genesisS) / this.seconds);
  }
  startOf(epoch: number): number {
    return this.genesisS + epoch * this.seconds;
  }
}
