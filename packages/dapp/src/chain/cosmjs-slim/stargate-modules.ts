// The query extensions StargateClient connects with (see README.md): auth, bank, staking and tx.
export { setupAuthExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/auth/queries.js";
export { setupBankExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/bank/queries.js";
export { setupStakingExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/staking/queries.js";
export { setupTxExtension } from "../../../node_modules/@cosmjs/stargate/build/modules/tx/queries.js";
