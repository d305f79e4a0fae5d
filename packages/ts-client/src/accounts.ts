// Accounts with 64-bit account numbers. wasmd v0.70 (cosmos-sdk 0.54) gives
// accounts created after genesis account numbers above 2^53, and CosmJS
// 0.38's default parser refuses them ("number can only safely store up to 53
// bits"), so signing and gas simulation fail for every new wallet. This
// parser keeps such a number as a bigint: CosmJS's direct signing only
// passes the account number to BigInt(), so the signature is right. CosmJS's
// amino signing (Ledger) still refuses it, so the dApp builds the amino sign
// doc itself with the number as a decimal string (packages/dapp/src/chain/amino.ts).

import { decodeOptionalPubkey } from "@cosmjs/proto-signing";
import type { Account } from "@cosmjs/stargate";
import { accountFromAny } from "@cosmjs/stargate";
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import {
  BaseVestingAccount,
  ContinuousVestingAccount,
  DelayedVestingAccount,
  PeriodicVestingAccount,
} from "cosmjs-types/cosmos/vesting/v1beta1/vesting";
import type { Any } from "cosmjs-types/google/protobuf/any";

/**
 * The account number as CosmJS's `Account` carries it: a number when it is
 * safe, otherwise the bigint itself (typed as a number for CosmJS, which
 * hands it to BigInt() when it builds the direct sign doc).
 */
export function accountNumberForCosmJs(value: bigint): number {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : (value as unknown as number);
}

function baseAccountOf(input: Any): BaseAccount | undefined {
  switch (input.typeUrl) {
    case "/cosmos.auth.v1beta1.BaseAccount":
      return BaseAccount.decode(input.value);
    case "/cosmos.auth.v1beta1.ModuleAccount":
      return ModuleAccount.decode(input.value).baseAccount;
    case "/cosmos.vesting.v1beta1.BaseVestingAccount":
      return BaseVestingAccount.decode(input.value).baseAccount;
    case "/cosmos.vesting.v1beta1.ContinuousVestingAccount":
      return ContinuousVestingAccount.decode(input.value).baseVestingAccount?.baseAccount;
    case "/cosmos.vesting.v1beta1.DelayedVestingAccount":
      return DelayedVestingAccount.decode(input.value).baseVestingAccount?.baseAccount;
    case "/cosmos.vesting.v1beta1.PeriodicVestingAccount":
      return PeriodicVestingAccount.decode(input.value).baseVestingAccount?.baseAccount;
    default:
      return undefined;
  }
}

/**
 * An `accountParser` for CosmJS clients (`connectWithSigner(rpc, signer, { accountParser })`)
 * that accepts 64-bit account numbers; other account types go to CosmJS's parser.
 */
export function accountParser(input: Any): Account {
  const base = baseAccountOf(input);
  if (base === undefined) return accountFromAny(input);
  if (base.sequence > BigInt(Number.MAX_SAFE_INTEGER))
    throw new Error(`the account ${base.address} has sequence ${base.sequence}, beyond what a client can count`);
  return {
    address: base.address,
    pubkey: decodeOptionalPubkey(base.pubKey),
    accountNumber: accountNumberForCosmJs(base.accountNumber),
    sequence: Number(base.sequence),
  };
}
