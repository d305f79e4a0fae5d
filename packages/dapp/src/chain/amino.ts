// Amino JSON signing (SIGN_MODE_LEGACY_AMINO_JSON), for wallets that sign nothing else: Keplr with a
// Ledger offers signAmino only. CosmJS 0.38 builds the amino sign doc with makeSignDoc, which passes
// account_number through Uint53 and throws above 2^53 − 1, and wasmd v0.70 (cosmos-sdk 0.54,
// x/auth GenerateID) gives every account created after genesis a number with the top bit set
// (≥ 2^63). So the sign doc is built here, the account number a decimal string of the chain's
// uint64 (a bigint, never a JS number), and so is the TxRaw the wallet's signature goes into
// (AuthInfo in SIGN_MODE_LEGACY_AMINO_JSON, the signed fee, the sequence as a bigint).

import { type AminoMsg, getAminoPubkey, type OfflineAminoSigner, type StdFee, type StdSignDoc } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { type EncodeObject, encodePubkey, type Registry } from "@cosmjs/proto-signing";
import type { AminoTypes } from "@cosmjs/stargate";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";

const U64_MAX = (1n << 64n) - 1n;

/** A uint64 as a bigint: from a bigint, a decimal string or a safe integer (never a rounded JS number). */
export function uint64(value: bigint | number | string, what: string): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) throw new Error(`${what} ${value} is not an exact integer`);
  if (typeof value === "string" && !/^\d+$/.test(value)) throw new Error(`${what} "${value}" is not a decimal integer`);
  const n = BigInt(value);
  if (n < 0n || n > U64_MAX) throw new Error(`${what} ${n} is outside the uint64 range`);
  return n;
}

/**
 * The amino sign doc, as wasmd's x/tx aminojson handler rebuilds it from the transaction:
 * account_number and sequence as decimal strings of their uint64 (any value up to 2^64 − 1),
 * timeout_height only when set (the chain omits a zero one).
 */
export function makeAminoSignDoc(
  msgs: readonly AminoMsg[],
  fee: StdFee,
  chainId: string,
  memo: string,
  accountNumber: bigint,
  sequence: bigint,
  timeoutHeight?: bigint,
): StdSignDoc {
  return {
    chain_id: chainId,
    account_number: uint64(accountNumber, "the account number").toString(),
    sequence: uint64(sequence, "the sequence").toString(),
    fee,
    msgs,
    memo,
    ...(timeoutHeight ? { timeout_height: uint64(timeoutHeight, "the timeout height").toString() } : {}),
  };
}

/**
 * The signed transaction: the body from the signed doc's messages (converted back with
 * `aminoTypes`), the AuthInfo with the signed fee and sequence in SIGN_MODE_LEGACY_AMINO_JSON.
 * Built from what the wallet returns, as a wallet may change the fee before signing.
 */
export function aminoTxRaw(
  signed: StdSignDoc,
  signature: string,
  pubkey: ReturnType<typeof encodePubkey>,
  registry: Registry,
  aminoTypes: AminoTypes,
): TxRaw {
  const bodyBytes = registry.encodeTxBody({
    messages: signed.msgs.map((msg) => aminoTypes.fromAmino(msg)),
    memo: signed.memo,
    timeoutHeight: signed.timeout_height ? uint64(signed.timeout_height, "the timeout height") : undefined,
  });
  const authInfo = AuthInfo.fromPartial({
    signerInfos: [
      {
        publicKey: pubkey,
        modeInfo: { single: { mode: SignMode.SIGN_MODE_LEGACY_AMINO_JSON } },
        sequence: uint64(signed.sequence, "the sequence"),
      },
    ],
    fee: {
      amount: [...signed.fee.amount],
      gasLimit: uint64(signed.fee.gas, "the gas limit"),
      granter: signed.fee.granter,
      payer: signed.fee.payer,
    },
  });
  return TxRaw.fromPartial({
    bodyBytes,
    authInfoBytes: AuthInfo.encode(authInfo).finish(),
    signatures: [fromBase64(signature)],
  });
}

/** Thrown before the wallet is asked: the transaction cannot be signed in amino JSON (the message says why, in words). */
export class AminoRefusal extends Error {
  override name = "AminoRefusal";
}

/** U+2028 and U+2029: Go's JSON encoder on the chain escapes them, the wallet's JSON does not, so the signature would not match. */
const SEPARATORS = /[\u2028\u2029]/;

/**
 * The messages in amino JSON, or the sentence that says why they cannot be signed that way: a
 * message type with no amino form here, or text the chain's JSON encodes differently from the wallet's.
 */
export function toAminoOrRefuse(messages: readonly EncodeObject[], aminoTypes: AminoTypes): AminoMsg[] {
  return messages.map((message) => {
    let amino: AminoMsg;
    try {
      amino = aminoTypes.toAmino(message);
    } catch (err) {
      // A converter's own refusal says more (a nested type the chain cannot read in amino JSON).
      if (err instanceof AminoRefusal) throw err;
      throw new AminoRefusal(
        `This transaction contains a ${message.typeUrl} message, which a Ledger (amino JSON signing) cannot sign from this app: nothing was sent. Use a wallet with a software key for it.`,
      );
    }
    if (SEPARATORS.test(JSON.stringify(amino)))
      throw new AminoRefusal(
        "The text contains a line or paragraph separator character (U+2028 or U+2029), which a Ledger (amino JSON signing) cannot sign for this chain: nothing was sent. Remove it and send again.",
      );
    return amino;
  });
}

/** What signing in amino JSON needs from the client and the wallet. */
export interface AminoSigning {
  signer: OfflineAminoSigner;
  registry: Registry;
  aminoTypes: AminoTypes;
  /** The account's number and sequence, read from the chain (uint64, exact). */
  account(address: string): Promise<{ accountNumber: bigint; sequence: bigint }>;
  chainId(): Promise<string>;
}

/** CosmJS's explicit signer data (its numbers typed as numbers; a 64-bit account number arrives as a bigint). */
export interface SignerData {
  accountNumber: number | bigint;
  sequence: number | bigint;
  chainId: string;
}

/**
 * Signs `messages` in SIGN_MODE_LEGACY_AMINO_JSON with any account number: what CosmJS's
 * `SigningCosmWasmClient.sign` does for an amino signer, without its 53-bit limit.
 */
export async function signAmino(
  signing: AminoSigning,
  address: string,
  messages: readonly EncodeObject[],
  fee: StdFee,
  memo: string,
  explicit?: SignerData,
  timeoutHeight?: bigint,
): Promise<TxRaw> {
  const msgs = toAminoOrRefuse(messages, signing.aminoTypes);
  const from = (await signing.signer.getAccounts()).find((account) => account.address === address);
  if (!from) throw new Error(`The wallet has no account ${address}: connect again.`);
  const { accountNumber, sequence } = explicit
    ? { accountNumber: uint64(explicit.accountNumber, "the account number"), sequence: uint64(explicit.sequence, "the sequence") }
    : await signing.account(address);
  const chainId = explicit?.chainId ?? (await signing.chainId());
  const doc = makeAminoSignDoc(msgs, fee, chainId, memo, accountNumber, sequence, timeoutHeight);
  const { signed, signature } = await signing.signer.signAmino(address, doc);
  return aminoTxRaw(signed, signature.signature, encodePubkey(getAminoPubkey(from)), signing.registry, signing.aminoTypes);
}
