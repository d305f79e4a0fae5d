// Sending a payment with a message in either kind of denom: native coins as
// the message's funds, or a cw20 `send` to the contract with the message as
// its hook (the registry's {"register"} / {"bond"}, the escrow's
// {"open_lease"} / {"top_up"}, the DAO's {"stake"} / {"propose"}).

import { cosmjsSigner, RewardTokenClient } from "@depin/ts-client";
import { useQuery } from "@tanstack/react-query";
import { denomKey } from "../lib/format";
import { encodeJson } from "../lib/proposals";
import type { Denom } from "../lib/types";
import { bankQueries, tokenQueries } from "../queries/token";
import type { Account } from "./ChainProvider";
import { useChain } from "./ChainProvider";
import type { Fee } from "./gas";
import { GAS, type TxResult } from "./tx";

export async function payWith(
  account: Account,
  denom: Denom,
  amount: bigint,
  contract: string,
  hook: Record<string, unknown>,
  native: (funds: { denom: string; amount: string }[]) => Promise<TxResult>,
  /** The fee of the cw20 send (a multiplier of the simulated gas, or a fee computed for it). */
  cw20Fee: (send: Record<string, unknown>) => Promise<number | Fee> = async () => GAS,
): Promise<TxResult> {
  if ("native" in denom) return native([{ denom: denom.native, amount: amount.toString() }]);
  return sendCw20(account, denom.cw20, amount, contract, hook, cw20Fee);
}

/** A cw20 `send` of `amount` of `token` to `contract` with `hook` as its message (the suite token's stake and propose). */
export async function sendCw20(
  account: Account,
  token: string,
  amount: bigint,
  contract: string,
  hook: Record<string, unknown>,
  fee: (send: Record<string, unknown>) => Promise<number | Fee> = async () => GAS,
): Promise<TxResult> {
  const client = new RewardTokenClient(cosmjsSigner(account.signing), account.address, token);
  const send = { contract, amount: amount.toString(), msg: encodeJson(hook) };
  return client.send(send, await fee({ send }));
}

/** The connected account's balance of a denom (bank or cw20), in base units. */
export function useBalance(denom: Denom | undefined, address: string | undefined): bigint | undefined {
  const { reader } = useChain();
  const native = denom && "native" in denom;
  const bank = useQuery({
    ...bankQueries.balance(reader, address ?? "", denom ? denomKey(denom) : ""),
    enabled: !!address && !!denom && !!native,
  });
  const cw20 = useQuery({
    ...tokenQueries.balance(reader, address ?? "", denom ? denomKey(denom) : ""),
    enabled: !!address && !!denom && !native,
  });
  if (!denom || !address) return undefined;
  return native ? bank.data : cw20.data ? BigInt(cw20.data.balance) : undefined;
}
