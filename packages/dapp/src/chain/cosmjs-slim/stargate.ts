// @cosmjs/stargate as the CosmWasm clients use it, without the other modules' protobuf types and
// amino converters (see README.md).
import type { AminoConverters } from "../../../node_modules/@cosmjs/stargate/build/aminotypes.js";

export { accountFromAny } from "../../../node_modules/@cosmjs/stargate/build/accounts.js";
export { AminoTypes } from "../../../node_modules/@cosmjs/stargate/build/aminotypes.js";
export { fromTendermintEvent } from "../../../node_modules/@cosmjs/stargate/build/events.js";
export { calculateFee, GasPrice } from "../../../node_modules/@cosmjs/stargate/build/fee.js";
export {
  isDynamicGasPriceConfig,
  multiplyDecimalByNumber,
  queryDynamicGasPrice,
} from "../../../node_modules/@cosmjs/stargate/build/feemarket.js";
export * as logs from "../../../node_modules/@cosmjs/stargate/build/logs.js";
export { setupAuthExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/auth/queries.js";
export { setupBankExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/bank/queries.js";
export { setupTxExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/tx/queries.js";
export { createPagination, createProtobufRpcClient, QueryClient } from "../../../node_modules/@cosmjs/stargate/build/queryclient/index.js";
export { isSearchTxQueryArray } from "../../../node_modules/@cosmjs/stargate/build/search.js";
export {
  assertIsDeliverTxSuccess,
  BroadcastTxError,
  isDeliverTxFailure,
  isDeliverTxSuccess,
  StargateClient,
  TimeoutError,
} from "../../../node_modules/@cosmjs/stargate/build/stargateclient.js";

/** No message types besides CosmWasm's (which SigningCosmWasmClient adds itself). */
export const defaultRegistryTypes = [] as const;

/** No amino converters besides CosmWasm's (which SigningCosmWasmClient adds itself). */
export function createDefaultAminoConverters(): AminoConverters {
  return {};
}
