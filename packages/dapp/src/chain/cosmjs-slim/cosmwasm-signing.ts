// @cosmjs/cosmwasm for src/chain/signing.ts (see README.md): the signing client, with the staking and
// distribution message types it carries, and CosmWasm's message types and amino converters (the
// signing client's registry and amino types), in the chunk loaded when a wallet connects.
export { createWasmAminoConverters } from "../../../node_modules/@cosmjs/cosmwasm/build/modules/wasm/aminomessages.js";
export { wasmTypes } from "../../../node_modules/@cosmjs/cosmwasm/build/modules/wasm/messages.js";
export { SigningCosmWasmClient } from "../../../node_modules/@cosmjs/cosmwasm/build/signingcosmwasmclient.js";
