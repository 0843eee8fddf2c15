//! # Infera primitives
//!
//! Types shared by every part of the Infera inference marketplace: the runtime and its pallets,
//! the node, the inference worker and the client. Anything that two of them must encode, hash or
//! sign identically is defined here, once:
//!
//! - [`model`]: tensor specs (dtype, shape, byte length) and the agreement rules that make
//!   outputs of different machines comparable;
//! - [`canonical`]: how an output tensor becomes the canonical bytes that are hashed and voted on;
//! - [`attestation`]: what an inference worker signs about a result;
//! - [`job`]: a job's status and its providers' progress;
//! - [`fees`]: the protocol and audit fee arithmetic;
//! - [`market`]: the read API of the marketplace (runtime API and its views);
//! - [`params`]: the bounds of every governed parameter, checked when a value is set;
//! - [`traits`]: the interfaces the marketplace pallets offer each other;
//! - `bearer` (std only): the bearer tokens the worker and the gateway require of HTTP callers;
//! - `manifest` (std only): the export manifest of trained models that the worker preloads and
//!   the tests read their fixtures from.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod attestation;
#[cfg(feature = "std")]
pub mod bearer;
pub mod canonical;
pub mod draw;
pub mod fees;
pub mod job;
#[cfg(feature = "std")]
pub mod manifest;
pub mod market;
pub mod model;
pub mod params;
#[cfg(feature = "serde")]
pub mod serde_hex;
pub mod traits;

use polkadot_sdk::sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// An index to a block.
pub type BlockNumber = u32;
/// Signature of a transaction; also the signer scheme of accounts.
pub type Signature = MultiSignature;
/// An account on the chain: the public key of its signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account, in the smallest unit (1 INF = 10^12 units).
pub type Balance = u128;
/// Transaction index of an account.
pub type Nonce = u32;
/// A hash of some data used by the chain.
pub type Hash = polkadot_sdk::sp_core::H256;
/// Identifier of a job, assigned by the chain in submission order.
pub type JobId = u64;
/// Identifier of a registered model (each version is its own model entry).
pub type ModelId = u32;
/// A blake2-256 digest (of a model artifact, a job input or a canonical output).
pub type Digest = [u8; 32];

/// Key type of a provider's account key in a node's keystore: the off-chain worker answers the
/// jobs of the provider whose key of this type the node holds.
pub const PROVIDER_KEY_TYPE: [u8; 4] = {
	let name = PROVIDER_KEY_TYPE_NAME.as_bytes();
	[name[0], name[1], name[2], name[3]]
};
/// [`PROVIDER_KEY_TYPE`] as the text `key insert --key-type` takes.
pub const PROVIDER_KEY_TYPE_NAME: &str = "infr";

/// Pallet id of the treasury; its account (`PalletId(TREASURY_PALLET_ID)
/// .into_account_truncating()`: `modl` ++ the id, zero-padded) receives protocol fees and
/// slashed stake.
pub const TREASURY_PALLET_ID: [u8; 8] = *b"inf/trsy";

/// The treasury's account, derived from [`TREASURY_PALLET_ID`] as every pallet account is
/// (`modl` ++ the id, zero-padded): what the runtime pays fees and slashes to, and what clients
/// and tests read the treasury's balance of.
pub fn treasury_account() -> AccountId {
	use polkadot_sdk::{frame_support::PalletId, sp_runtime::traits::AccountIdConversion};
	PalletId(TREASURY_PALLET_ID).into_account_truncating()
}

/// One INF, the chain's token, in its smallest units.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of an INF.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// A millionth of an INF.
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;

/// A [`Hash`] from its bytes: the first 32 of `bytes`, zero-padded if fewer (a chain's `Hash`
/// type is 32 bytes, so nothing is lost). Lets generic pallet code turn `T::Hash`, such as the
/// genesis hash, into the [`Hash`] that attestations sign, without a panicking conversion.
pub fn hash_from_bytes(bytes: &[u8]) -> Hash {
	let mut out = [0u8; 32];
	let n = bytes.len().min(32);
	out[..n].copy_from_slice(&bytes[..n]);
	Hash::from(out)
}

/// blake2-256 of `data`: the one hash used for artifacts, inputs and outputs.
pub fn digest(data: &[u8]) -> Digest {
	polkadot_sdk::sp_crypto_hashing::blake2_256(data)
}
