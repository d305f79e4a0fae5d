// The query extensions StargateClient connects with (see README.md). The dApp never connects a
// StargateClient (the CosmWasm clients set up their own extensions): only its error classes are
// used, so staking, whose types would bring staking and distribution along, is an empty extension.
export { setupAuthExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/auth/queries.js";
export { setupBankExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/bank/queries.js";
export { setupTxExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/tx/queries.js";

/** No staking queries in the browser build. */
export function setupStakingExtension(): Record<string, never> {
  return {};
}
