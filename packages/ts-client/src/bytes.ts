// Byte helpers shared by the signed messages (receipt.ts, liveness.ts): the
// unsigned integers of the Rust definitions, big-endian, and concatenation.

/** A u64 or u128 as accepted here: a bigint, a safe integer, or a decimal string (like the JSON Uint128). */
export type UintInput = bigint | number | string;

/** `value` as a bigint in 0..=max; a RangeError naming `what` otherwise. */
export function toBigUint(value: UintInput, max: bigint, what: string): bigint {
  let n: bigint;
  if (typeof value === "bigint") {
    n = value;
  } else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${what} ${value} is not a safe integer; pass a bigint or a string`);
    n = BigInt(value);
  } else {
    if (!/^[0-9]+$/.test(value)) throw new RangeError(`${what} "${value}" is not a decimal unsigned integer`);
    n = BigInt(value);
  }
  if (n < 0n || n > max) throw new RangeError(`${what} ${n} is out of range`);
  return n;
}

/** `n` as `bytes` bytes, most significant first (Rust's `to_be_bytes`). */
export function bigEndian(n: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** The parts one after the other. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((len, p) => len + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
