import { makeSignDoc, type OfflineAminoSigner, Secp256k1HdWallet, type StdSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { createWasmAminoConverters, wasmTypes } from "@cosmjs/cosmwasm";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { fromBase64, fromUtf8, toUtf8 } from "@cosmjs/encoding";
import { decodePubkey, Registry } from "@cosmjs/proto-signing";
import { AminoTypes } from "@cosmjs/stargate";
import { MsgGrant } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { AcceptedMessagesFilter, ContractExecutionAuthorization } from "cosmjs-types/cosmwasm/wasm/v1/authz";
import { MsgExecuteContract } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { describe, expect, test } from "vitest";
import { AminoRefusal, type AminoSigning, makeAminoSignDoc, signAmino, uint64 } from "./amino";
import { anyOf, createGrantAminoConverters, grantTypes } from "./grants";

// wasmd v0.70 (cosmos-sdk 0.54 x/auth GenerateID): the top bit is always set for an account made after genesis.
const BIG = (1n << 63n) + 123_456_789n; // 9223372036978232597
const U64_MAX = (1n << 64n) - 1n;
const MNEMONIC = "enlist hip relief stomach skate base shallow young switch frequent cry park";
const FEE = { amount: [{ denom: "ustake", amount: "7500" }], gas: "300000" };

const aminoTypes = new AminoTypes({ ...createWasmAminoConverters(), ...createGrantAminoConverters() });
const registry = new Registry([...wasmTypes, ...grantTypes]);

function execute(sender: string, msg: unknown, funds: { denom: string; amount: string }[] = []) {
  return {
    typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
    value: MsgExecuteContract.fromPartial({ sender, contract: "wasm1contract", msg: toUtf8(JSON.stringify(msg)), funds }),
  };
}

/** An amino-only wallet (no signDirect) that records what it was asked to sign; `edit` changes the doc first, as a wallet may. */
async function aminoWallet(edit: (doc: StdSignDoc) => StdSignDoc = (doc) => doc) {
  const wallet = await Secp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: "wasm" });
  const [account] = await wallet.getAccounts();
  const asked: StdSignDoc[] = [];
  const signer: OfflineAminoSigner = {
    getAccounts: () => wallet.getAccounts(),
    signAmino: (address, doc) => {
      asked.push(doc);
      return wallet.signAmino(address, edit(doc));
    },
  };
  return { signer, asked, address: account.address, pubkey: account.pubkey };
}

function signing(signer: OfflineAminoSigner, accountNumber = BIG, sequence = 41n): AminoSigning {
  return { signer, registry, aminoTypes, account: async () => ({ accountNumber, sequence }), chainId: async () => "depin-1" };
}

describe("the amino sign doc", () => {
  test("carries a 64-bit account number as its decimal string, where CosmJS's makeSignDoc throws", () => {
    const msgs = [{ type: "wasm/MsgExecuteContract", value: { sender: "wasm1s", contract: "wasm1c", msg: { heartbeat: {} }, funds: [] } }];
    expect(() => makeSignDoc(msgs, FEE, "depin-1", "", BIG.toString(), 0)).toThrow("Input not in int53 range");
    const doc = makeAminoSignDoc(msgs, FEE, "depin-1", "", BIG, 41n);
    expect(fromUtf8(serializeSignDoc(doc))).toBe(
      '{"account_number":"9223372036978232597","chain_id":"depin-1","fee":{"amount":[{"amount":"7500","denom":"ustake"}],"gas":"300000"},"memo":"","msgs":[{"type":"wasm/MsgExecuteContract","value":{"contract":"wasm1c","funds":[],"msg":{"heartbeat":{}},"sender":"wasm1s"}}],"sequence":"41"}',
    );
    expect(makeAminoSignDoc(msgs, FEE, "depin-1", "", U64_MAX, 0n).account_number).toBe("18446744073709551615");
  });

  test("keeps the fee's granter and payer, the memo escaped as Go escapes it, and a timeout height only when set", () => {
    const fee = { ...FEE, granter: "wasm1granter", payer: "wasm1payer" };
    const doc = makeAminoSignDoc([], fee, "depin-1", "lease <1> & co", 7n, 0n, 1234n);
    expect(fromUtf8(serializeSignDoc(doc))).toBe(
      '{"account_number":"7","chain_id":"depin-1","fee":{"amount":[{"amount":"7500","denom":"ustake"}],"gas":"300000","granter":"wasm1granter","payer":"wasm1payer"},"memo":"lease \\u003c1\\u003e \\u0026 co","msgs":[],"sequence":"0","timeout_height":"1234"}',
    );
    expect(makeAminoSignDoc([], FEE, "depin-1", "", 7n, 0n)).not.toHaveProperty("timeout_height");
  });

  test("refuses numbers that are not an exact uint64", () => {
    expect(uint64("18446744073709551615", "n")).toBe(U64_MAX);
    expect(() => uint64(U64_MAX + 1n, "the account number")).toThrow("outside the uint64 range");
    expect(() => uint64(-1n, "the sequence")).toThrow("outside the uint64 range");
    expect(() => uint64(2 ** 60, "the account number")).toThrow("not an exact integer");
    expect(() => uint64("1e3", "the gas limit")).toThrow("not a decimal integer");
    expect(uint64(12, "n")).toBe(12n);
  });
});

describe("signing in amino JSON", () => {
  test("signs a funds-carrying execute with a 64-bit account number into a TxRaw the chain verifies", async () => {
    const wallet = await aminoWallet();
    const msg = execute(wallet.address, { open_lease: { provider: "wasm1p", billing: { metered: {} } } }, [
      { denom: "uusdc", amount: "1000000" },
    ]);
    const tx = await signAmino(signing(wallet.signer), wallet.address, [msg], FEE, "a memo");

    // What the wallet was asked to sign, and what the chain rebuilds from the TxRaw, byte for byte.
    expect(wallet.asked).toHaveLength(1);
    const doc = wallet.asked[0];
    expect(doc.account_number).toBe(BIG.toString());
    expect(doc.sequence).toBe("41");
    expect(doc.msgs).toEqual([
      {
        type: "wasm/MsgExecuteContract",
        value: {
          sender: wallet.address,
          contract: "wasm1contract",
          msg: { open_lease: { provider: "wasm1p", billing: { metered: {} } } },
          funds: [{ denom: "uusdc", amount: "1000000" }],
        },
      },
    ]);

    const raw = TxRaw.decode(TxRaw.encode(tx).finish());
    const authInfo = AuthInfo.decode(raw.authInfoBytes);
    const fee = authInfo.fee ?? { amount: [], gasLimit: 0n };
    expect(authInfo.signerInfos).toHaveLength(1);
    expect(authInfo.signerInfos[0].modeInfo?.single?.mode).toBe(SignMode.SIGN_MODE_LEGACY_AMINO_JSON);
    expect(authInfo.signerInfos[0].sequence).toBe(41n);
    expect(decodePubkey(authInfo.signerInfos[0].publicKey ?? { typeUrl: "", value: new Uint8Array() })).toEqual({
      type: "tendermint/PubKeySecp256k1",
      value: expect.any(String),
    });
    expect(authInfo.fee?.gasLimit).toBe(300000n);
    expect(authInfo.fee?.amount).toEqual(FEE.amount);

    const body = TxBody.decode(raw.bodyBytes);
    expect(body.memo).toBe("a memo");
    expect(body.messages).toHaveLength(1);
    const sent = MsgExecuteContract.decode(body.messages[0].value);
    expect(JSON.parse(fromUtf8(sent.msg))).toEqual({ open_lease: { provider: "wasm1p", billing: { metered: {} } } });
    expect(sent.funds).toEqual([{ denom: "uusdc", amount: "1000000" }]);

    // The sign bytes the chain computes from this body, the fee and the account's number and sequence.
    const rebuilt = makeAminoSignDoc(
      body.messages.map((m) => aminoTypes.toAmino({ typeUrl: m.typeUrl, value: registry.decode(m) })),
      { amount: fee.amount, gas: fee.gasLimit.toString() },
      "depin-1",
      body.memo,
      BIG,
      authInfo.signerInfos[0].sequence,
    );
    const signature = Secp256k1Signature.fromFixedLength(raw.signatures[0]);
    expect(await Secp256k1.verifySignature(signature, sha256(serializeSignDoc(rebuilt)), wallet.pubkey)).toBe(true);
  });

  test("builds the transaction from what the wallet signed (a wallet may raise the fee)", async () => {
    const raised = { amount: [{ denom: "ustake", amount: "9000" }], gas: "360000" };
    const wallet = await aminoWallet((doc) => ({ ...doc, fee: raised }));
    const tx = await signAmino(signing(wallet.signer, 5n, 0n), wallet.address, [execute(wallet.address, { heartbeat: {} })], FEE, "");
    const authInfo = AuthInfo.decode(tx.authInfoBytes);
    expect(authInfo.fee?.amount).toEqual(raised.amount);
    expect(authInfo.fee?.gasLimit).toBe(360000n);
  });

  test("takes CosmJS's explicit signer data, its account number a bigint beyond 2^53", async () => {
    const wallet = await aminoWallet();
    await signAmino(signing(wallet.signer), wallet.address, [execute(wallet.address, { claim: {} })], FEE, "", {
      accountNumber: U64_MAX,
      sequence: 2,
      chainId: "other-1",
    });
    expect(wallet.asked[0]).toMatchObject({ account_number: "18446744073709551615", sequence: "2", chain_id: "other-1" });
  });

  test("refuses in words, before the wallet is asked, what the chain cannot read in amino JSON", async () => {
    const wallet = await aminoWallet();
    const send = (messages: { typeUrl: string; value: unknown }[]) => signAmino(signing(wallet.signer), wallet.address, messages, FEE, "");
    await expect(send([{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: {} }])).rejects.toThrow(
      "This transaction contains a /cosmos.bank.v1beta1.MsgSend message, which a Ledger (amino JSON signing) cannot sign from this app: nothing was sent.",
    );
    await expect(send([execute(wallet.address, { propose: { title: "a\u2028b", description: "", msgs: [] } })])).rejects.toBeInstanceOf(
      AminoRefusal,
    );
    await expect(send([execute(wallet.address, { propose: { title: "a\u2029b", description: "", msgs: [] } })])).rejects.toThrow(
      /line or paragraph separator character \(U\+2028 or U\+2029\).*nothing was sent/,
    );
    // A grant with a nested type wasmd cannot read in amino JSON: the converter's own words.
    const exact = MsgGrant.fromPartial({
      granter: wallet.address,
      grantee: "wasm1hot",
      grant: {
        authorization: anyOf(ContractExecutionAuthorization, {
          grants: [{ contract: "wasm1c", filter: anyOf(AcceptedMessagesFilter, { messages: [toUtf8('{"settle":{}}')] }) }],
        }),
      },
    });
    await expect(send([{ typeUrl: "/cosmos.authz.v1beta1.MsgGrant", value: exact }])).rejects.toThrow(
      /AcceptedMessagesFilter.*nothing was sent\. Limit the grant by message names instead\./,
    );
    expect(wallet.asked).toHaveLength(0);
  });

  test("says so when the wallet does not hold the sending account", async () => {
    const wallet = await aminoWallet();
    await expect(signAmino(signing(wallet.signer), "wasm1other", [execute("wasm1other", {})], FEE, "")).rejects.toThrow(
      "The wallet has no account wasm1other: connect again.",
    );
  });
});

test("the test's signature check agrees with the wallet's own serialisation", async () => {
  // Guards the check above: Secp256k1HdWallet signs sha256(serializeSignDoc(doc)).
  const wallet = await aminoWallet();
  const doc = makeAminoSignDoc([], FEE, "depin-1", "", BIG, 1n);
  const { signature } = await wallet.signer.signAmino(wallet.address, doc);
  const sig = Secp256k1Signature.fromFixedLength(fromBase64(signature.signature));
  expect(await Secp256k1.verifySignature(sig, sha256(serializeSignDoc(doc)), wallet.pubkey)).toBe(true);
});
