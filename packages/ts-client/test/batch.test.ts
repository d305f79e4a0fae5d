// The escrow batch's response data as a transaction carries it: the JSON of
// BatchResponse inside the MsgExecuteContractResponse of its message.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { toUtf8 } from "@cosmjs/encoding";
import { MsgExecuteContractResponse } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { type BatchResponse, batchResponse, executeResponseData, MAX_BATCH_ITEMS } from "../src/batch";

const EXECUTE_RESPONSE = "/cosmwasm.wasm.v1.MsgExecuteContractResponse";

function response(data: Uint8Array, typeUrl = EXECUTE_RESPONSE) {
  return { typeUrl, value: MsgExecuteContractResponse.encode({ data }).finish() };
}

describe("batch response data", () => {
  // The JSON the escrow writes (cosmwasm's to_json_binary of BatchResponse): a
  // report that created charge 0 and paid a matured one, a refused report.
  const json =
    '{"items":[{"lease_id":7,"charge_id":1,"units":"1000","paid":"3702","error":null},' +
    '{"lease_id":8,"charge_id":null,"units":"0","paid":"0","error":"only the provider of lease 8 may report_usage"}]}';

  it("decodes the BatchResponse of the message it names", () => {
    const other = response(toUtf8('{"proven":[]}'));
    const tx = { transactionHash: "AB", msgResponses: [other, response(toUtf8(json))] };
    const expected: BatchResponse = {
      items: [
        { lease_id: 7, charge_id: 1, units: "1000", paid: "3702", error: null },
        { lease_id: 8, charge_id: null, units: "0", paid: "0", error: "only the provider of lease 8 may report_usage" },
      ],
    };
    assert.deepEqual(batchResponse(tx, 1), expected);
    assert.deepEqual(executeResponseData(tx, 0), { proven: [] });
  });

  it("names the transaction when the response is missing, of another message type or empty", () => {
    assert.throws(() => batchResponse({ transactionHash: "AB", msgResponses: [] }), /transaction AB has no message response 0/);
    assert.throws(
      () => batchResponse({ transactionHash: "AB", msgResponses: [response(toUtf8(json), "/cosmos.bank.v1beta1.MsgSendResponse")] }),
      /message response 0 of transaction AB is a \/cosmos.bank.v1beta1.MsgSendResponse/,
    );
    assert.throws(() => batchResponse({ transactionHash: "AB", msgResponses: [response(new Uint8Array())] }), /returned no data/);
  });

  it("MAX_BATCH_ITEMS is the Rust constant", () => {
    const lib = readFileSync(join(__dirname, "../../../depin-interface/src/lib.rs"), "utf8");
    assert.match(lib, new RegExp(`pub const MAX_BATCH_ITEMS: usize = ${MAX_BATCH_ITEMS};`));
  });
});
