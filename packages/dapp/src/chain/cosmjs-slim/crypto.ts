// @cosmjs/crypto without argon2, BIP39 and XChaCha20 (see README.md): secp256k1 signing and
// verification, the hashes, randomness and HD paths (CosmJS builds default paths when it loads).
export { Random } from "../../../node_modules/@cosmjs/crypto/build/random.js";
export { Ripemd160, ripemd160 } from "../../../node_modules/@cosmjs/crypto/build/ripemd.js";
export { Secp256k1 } from "../../../node_modules/@cosmjs/crypto/build/secp256k1.js";
export { ExtendedSecp256k1Signature, Secp256k1Signature } from "../../../node_modules/@cosmjs/crypto/build/secp256k1signature.js";
export { Sha256, Sha512, sha256, sha512 } from "../../../node_modules/@cosmjs/crypto/build/sha.js";
export { pathToString, Slip10Curve, Slip10RawIndex, stringToPath } from "../../../node_modules/@cosmjs/crypto/build/slip10.js";
