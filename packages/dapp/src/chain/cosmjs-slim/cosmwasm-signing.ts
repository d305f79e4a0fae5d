// @cosmjs/cosmwasm for src/chain/signing.ts (see README.md): the signing client, with the staking and
// distribution message types it carries, in the chunk loaded when a wallet connects.
export { SigningCosmWasmClient } from "../../../node_modules/@cosmjs/cosmwasm/build/signingcosmwasmclient.js";
