// @cosmjs/cosmwasm for everything but src/chain/signing.ts (see README.md): the read-only client.
export { CosmWasmClient } from "../../../node_modules/@cosmjs/cosmwasm/build/cosmwasmclient.js";
