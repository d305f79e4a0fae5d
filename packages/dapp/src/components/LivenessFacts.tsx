// A provider's proof-of-service figures, the same on its network page and on
// its own dashboard.
import { formatCurrentEpoch, formatLastProven } from "../lib/liveness";
import type { ProviderResponse } from "../lib/types";
import { Fact } from "./ui";

type Props = {
  reputation: ProviderResponse["reputation"];
  currentEpoch?: number;
  /** The provider's own dashboard: its test ids read `my-…`. */
  own?: boolean;
};

/** Proven and missed epochs, the last one proven, and the current epoch's state ("…" until the stats load). */
export function LivenessFacts({ reputation, currentEpoch, own = false }: Props) {
  const id = own
    ? { proven: "my-proven", missed: "my-missed", current: "my-current-proof" }
    : { proven: "proven-epochs", missed: "missed-epochs", current: "current-epoch-proof" };
  return (
    <>
      <Fact term="Proven epochs">
        <span data-testid={id.proven}>{reputation.proven_epochs ?? 0}</span>
      </Fact>
      <Fact term="Missed epochs">
        <span data-testid={id.missed}>{reputation.missed_epochs ?? 0}</span>
      </Fact>
      <Fact term="Last proven">{formatLastProven(reputation)}</Fact>
      <Fact term="Current epoch">
        <span data-testid={id.current}>{currentEpoch === undefined ? "…" : formatCurrentEpoch(reputation, currentEpoch)}</span>
      </Fact>
    </>
  );
}
