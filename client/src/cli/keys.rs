//! `infera keys …`: worker keys and tokens (no node needed) and the node's provider key.

use super::{Output, Session};
use crate::chain::account_of;
use anyhow::Result;
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

/// Key commands.
#[derive(Debug, Subcommand)]
pub enum KeysCmd {
	/// Generates an sr25519 attestation key for an inference worker: writes its `0x` seed to
	/// `file` (owner-only permissions, for `infera-worker --key-file`) and prints the public key;
	/// register it with `provider register --worker-key-file <file>` (or `--worker-url`).
	GenerateWorker {
		/// Where to write the seed; an existing file is not overwritten.
		file: PathBuf,
	},
	/// Generates the shared secret between a node and its inference worker (32 random bytes,
	/// hex) into `--out` (owner-only permissions): pass it to `infera-worker --token-file`, to
	/// the node's `--inference-worker-token-file` and to `provider register
	/// --worker-token-file`.
	WorkerToken {
		/// Where to write the token; an existing file is not overwritten.
		#[arg(long)]
		out: PathBuf,
	},
	/// Inserts the provider account key (`--suri`) into the keystore of the node at `--url`
	/// (key type `infr`), so that its off-chain worker signs the provider's results. The node
	/// accepts this only over a local connection (or with `--rpc-methods unsafe`).
	InsertProvider,
}

pub(super) async fn run(s: &Session<'_>, cmd: &KeysCmd) -> Result<Output> {
	Ok(match cmd {
		// Needs no node: run before connecting (above); listed for completeness.
		KeysCmd::GenerateWorker { file } => generate_worker_key(file)?,
		KeysCmd::WorkerToken { out } => generate_worker_token(out)?,
		KeysCmd::InsertProvider => {
			let public = s.signer()?.public_key().0;
			let params = subxt::rpcs::rpc_params![
				crate::keys::PROVIDER_KEY_TYPE,
				&s.secret,
				format!("0x{}", hex::encode(public))
			];
			s.chain.market::<()>("author_insertKey", params).await?;
			let account = account_of(&s.signer()?);
			Output::new(
				format!("provider key of {account} inserted into the node at {}", s.url),
				json!({ "account": account, "key_type": crate::keys::PROVIDER_KEY_TYPE }),
			)
		}
	})
}

/// `keys generate-worker`: writes a new worker key to `file`; no node is involved.
pub(super) fn generate_worker_key(file: &std::path::Path) -> Result<Output> {
	let public = crate::keys::generate_worker_key(file)?;
	Ok(Output::new(
		format!("worker key written to {}; public key 0x{}", file.display(), hex::encode(public)),
		json!({ "file": file, "public": format!("0x{}", hex::encode(public)) }),
	))
}

/// `keys worker-token`: writes a new worker token to `out`; no node is involved.
pub(super) fn generate_worker_token(out: &std::path::Path) -> Result<Output> {
	crate::keys::generate_worker_token(out)?;
	Ok(Output::new(
		format!("worker token written to {} (owner-only)", out.display()),
		json!({ "file": out }),
	))
}
