// Gas for calls whose cost moves between simulation and execution. A
// streaming lease accrues every second: a close, settle or top-up simulated in
// the second of its last accrual pays nothing and sends no record_usage, but
// executes a second later with a payout and that submessage (about +170k gas
// on wasmd v0.60, more than any fixed multiplier of the small simulated
// figure covers). So these calls are simulated here and get
// max(simulated × 1.3, simulated + 300 000) gas.
import { toUtf8 } from "@cosmjs/encoding";
import { calculateFee, GasPrice } from "@cosmjs/stargate";
import type { NetworkConfig } from "../lib/config";
import { leaseMode } from "../lib/leases";
import type { LeaseResponse } from "../lib/types";
import type { Account } from "./ChainProvider";
import { GAS } from "./tx";

export const STREAMING_HEADROOM = 300_000;

/** A fee as the generated clients take it (mutable coin list). */
export interface Fee {
  amount: { denom: string; amount: string }[];
  gas: string;
}

/** The gas limit for a simulated amount: the larger of ×1.3 and + STREAMING_HEADROOM. */
export function headroomGas(simulated: number): number {
  return Math.max(Math.ceil(simulated * 1.3), simulated + STREAMING_HEADROOM);
}

/** Simulates one contract call as `account` and returns a fee with headroom. */
export async function streamingFee(
  account: Account,
  gasPrice: string,
  contract: string,
  msg: Record<string, unknown>,
  funds: { denom: string; amount: string }[] = [],
): Promise<Fee> {
  const simulated = await account.signing.simulate(
    account.address,
    [
      {
        typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
        value: { sender: account.address, contract, msg: toUtf8(JSON.stringify(msg)), funds },
      },
    ],
    undefined,
  );
  const fee = calculateFee(headroomGas(simulated), GasPrice.fromString(gasPrice));
  return { amount: [...fee.amount], gas: fee.gas };
}

/**
 * The fee of a call on `lease`: a streaming lease's calls are simulated here
 * and get headroom (it accrues between simulation and execution), the others
 * pay the simulated gas × GAS.
 */
export function leaseFee(
  config: NetworkConfig,
  lease: LeaseResponse,
  account: Account,
  msg: Record<string, unknown>,
  funds: { denom: string; amount: string }[] = [],
): Promise<number | Fee> {
  if (leaseMode(lease.billing) !== "streaming") return Promise.resolve(GAS);
  return streamingFee(account, `${config.gasPrice}${config.feeDenom}`, config.addresses.billingEscrow, msg, funds);
}
