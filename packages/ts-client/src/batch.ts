// Fleets and batches: the escrow's `batch` response data and the bound on a
// batch and on a fleet's `claim_rewards {providers}` (packages/depin-interface:
// `escrow::BatchResponse`, `MAX_BATCH_ITEMS`).
import { MsgExecuteContractResponse } from "cosmjs-types/cosmwasm/wasm/v1/tx";

/** The most items of an escrow `batch`, and of providers in one `claim_rewards {providers}` (depin_interface::MAX_BATCH_ITEMS). */
export const MAX_BATCH_ITEMS = 200;

/** What one item of a `batch` did (BatchItemResult in Rust). */
export interface BatchItemResult {
  lease_id: number;
  /** The charge a usage report created. */
  charge_id?: number | null;
  /** Units the item reported, redeemed or settled. */
  units: string;
  /** Paid on the lease by this item, fee included (a report also pays what had matured on its lease). */
  paid: string;
  /** Why the item was refused (nothing of it happened); absent or null when it went through. */
  error?: string | null;
}

/** The data of a `batch` response: one result per item, in order. */
export interface BatchResponse {
  items: BatchItemResult[];
}

/** The parts of a CosmJS DeliverTxResponse the decoder reads. */
export interface HasMsgResponses {
  transactionHash: string;
  msgResponses: readonly { typeUrl: string; value: Uint8Array }[];
}

/**
 * The JSON data a contract returned for message `index` of a transaction
 * (the `data` of its MsgExecuteContractResponse). CosmJS's `execute` does not
 * return it: send the message with `signAndBroadcast` (the message composers
 * build it) and decode the result here.
 */
export function executeResponseData<T>(result: HasMsgResponses, index = 0): T {
  const response = result.msgResponses[index];
  if (!response) throw new Error(`transaction ${result.transactionHash} has no message response ${index}`);
  if (response.typeUrl !== "/cosmwasm.wasm.v1.MsgExecuteContractResponse") {
    throw new Error(`message response ${index} of transaction ${result.transactionHash} is a ${response.typeUrl}`);
  }
  const { data } = MsgExecuteContractResponse.decode(response.value);
  if (data.length === 0) throw new Error(`message ${index} of transaction ${result.transactionHash} returned no data`);
  return JSON.parse(new TextDecoder().decode(data)) as T;
}

/** The BatchResponse of the escrow `batch` sent as message `index` of a transaction. */
export function batchResponse(result: HasMsgResponses, index = 0): BatchResponse {
  return executeResponseData<BatchResponse>(result, index);
}
