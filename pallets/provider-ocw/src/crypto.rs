//! The provider key: its own key type, so a node's keystore can hold it next to (or instead of)
//! validator keys. The provider's account *is* this sr25519 key: the off-chain worker signs the
//! result transactions with it.
//!
//! Insert it with `infera-node key insert --key-type infr --scheme sr25519 --suri <secret>` or
//! the `author_insertKey` RPC; dev chains insert the `--alice`/`--bob`/... key automatically.

use frame::deps::sp_runtime::{
	app_crypto::{app_crypto, sr25519},
	MultiSignature, MultiSigner,
};

/// Key type of provider keys in the keystore.
pub const KEY_TYPE: frame::deps::sp_core::crypto::KeyTypeId =
	frame::deps::sp_core::crypto::KeyTypeId(infera_primitives::PROVIDER_KEY_TYPE);

app_crypto!(sr25519, KEY_TYPE);

/// Binds the provider key to the runtime's `MultiSigner`/`MultiSignature` account scheme, for
/// `frame_system::offchain::Signer`.
pub struct ProviderAuthId;

impl frame::deps::frame_system::offchain::AppCrypto<MultiSigner, MultiSignature>
	for ProviderAuthId
{
	type RuntimeAppPublic = Public;
	type GenericSignature = frame::deps::sp_core::sr25519::Signature;
	type GenericPublic = frame::deps::sp_core::sr25519::Public;
}
