// The signing client, imported dynamically when a wallet connects: in the build it is a chunk of its
// own, so a visitor who only browses never loads it.
export { SigningCosmWasmClient } from "@cosmjs/cosmwasm";
