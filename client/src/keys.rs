//! Keys a provider needs besides its account: the inference worker's attestation key, the
//! proof that the provider holds it, and the key type under which a node's keystore holds the
//! provider's account key.
//!
//! The chain registers a worker key only with the key's signature over
//! [`WorkerKeyProof`]` { genesis_hash, provider }` (so nobody watching the pool can register a
//! provider's worker key first). [`prove_worker_key`] gets that proof from the running worker
//! (its `prove_key` JSON-RPC method) or signs it here with the worker's key file.

use anyhow::{anyhow, bail, Context, Result};
use infera_primitives::{
	attestation::{WorkerKeyProof, WorkerPublic, WorkerSignature},
	AccountId, Hash,
};
use serde::Deserialize;
use std::{
	io::Read,
	path::{Path, PathBuf},
};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

/// Key type of the provider account key in a node's keystore (the OCW's `infr`).
pub use infera_primitives::PROVIDER_KEY_TYPE_NAME as PROVIDER_KEY_TYPE;

/// Bytes of a worker key's seed and of a worker token: 256 bits.
const SECRET_BYTES: usize = 32;

/// Permissions of secret files: read and write by the owner only.
const OWNER_ONLY: u32 = 0o600;

/// [`SECRET_BYTES`] from the operating system's random source.
fn random_secret() -> Result<[u8; SECRET_BYTES]> {
	let mut secret = [0u8; SECRET_BYTES];
	std::fs::File::open("/dev/urandom")
		.and_then(|mut f| f.read_exact(&mut secret))
		.context("reading /dev/urandom")?;
	Ok(secret)
}

/// Writes `text` to a new `file` with owner-only permissions; `what` names it when the file
/// exists already (secrets are never overwritten).
fn write_secret_file(file: &Path, what: &str, text: &str) -> Result<()> {
	if file.exists() {
		bail!("{} exists: a {what} is never overwritten", file.display());
	}
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	std::os::unix::fs::OpenOptionsExt::mode(&mut options, OWNER_ONLY);
	let mut out = options.open(file).with_context(|| format!("creating {}", file.display()))?;
	std::io::Write::write_all(&mut out, text.as_bytes())?;
	Ok(())
}

/// Generates a random sr25519 key, writes its `0x` seed to `file` (owner-only permissions,
/// never over an existing file) and returns its public key.
pub fn generate_worker_key(file: &Path) -> Result<[u8; 32]> {
	let seed = random_secret()?;
	let key = Keypair::from_secret_key(seed).context("deriving the key")?;
	write_secret_file(file, "worker key", &format!("0x{}\n", hex::encode(seed)))?;
	Ok(key.public_key().0)
}

/// Generates the shared secret between a node and its worker: 32 random bytes in hex (no
/// `0x`), written to `file` (owner-only permissions, never over an existing file). The worker
/// reads it with `--token-file`, the node with `--inference-worker-token-file`, this CLI with
/// `--worker-token-file`; all send or expect `Authorization: Bearer <token>`.
pub fn generate_worker_token(file: &Path) -> Result<()> {
	let token = hex::encode(random_secret()?);
	write_secret_file(file, "worker token", &format!("{token}\n"))
}

/// The worker token in `file` (`keys worker-token`), surrounding whitespace removed.
pub fn load_worker_token(file: &Path) -> Result<String> {
	let text = std::fs::read_to_string(file)
		.with_context(|| format!("reading the worker token file {}", file.display()))?;
	Ok(text.trim().to_string())
}

/// Where the proof of a worker key comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerKeySource {
	/// The running inference worker at `url` (`http://…` or `ws://…`, the URL the node's
	/// `--inference-worker-url` names) signs it with its `prove_key` method; `token_file` holds
	/// its token when it requires one (`--token-file`).
	Worker {
		/// The worker's URL.
		url: String,
		/// The worker token's file, if the worker requires one.
		token_file: Option<PathBuf>,
	},
	/// The worker's key file (`infera keys generate-worker`, `infera-worker --key-file`): a
	/// secret URI or `0x` seed; the proof is signed here.
	KeyFile(PathBuf),
}

/// A worker key with its proof for one provider on one chain: the `worker` and `proof`
/// arguments of `register_provider` and `rotate_worker_key`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProvenWorkerKey {
	/// The worker's sr25519 public key.
	pub worker: [u8; 32],
	/// Its signature over the [`WorkerKeyProof`] for the provider on the chain.
	pub proof: [u8; 64],
}

impl ProvenWorkerKey {
	/// Signs the proof for `provider` on the chain with `genesis_hash` with `worker`.
	pub fn sign(worker: &Keypair, genesis_hash: [u8; 32], provider: &AccountId32) -> Self {
		let provider = AccountId::from(provider.0);
		let message =
			WorkerKeyProof { genesis_hash: Hash::from(genesis_hash), provider: &provider };
		ProvenWorkerKey { worker: worker.public_key().0, proof: worker.sign(&message.message()).0 }
	}

	/// Whether `proof` is `worker`'s signature over the proof for `provider` on the chain with
	/// `genesis_hash`: what the chain checks.
	pub fn verifies(&self, genesis_hash: [u8; 32], provider: &AccountId32) -> bool {
		let provider = AccountId::from(provider.0);
		WorkerKeyProof { genesis_hash: Hash::from(genesis_hash), provider: &provider }
			.verify(&WorkerSignature::from_raw(self.proof), &WorkerPublic::from_raw(self.worker))
	}
}

/// Loads the worker key from `file`: a secret URI or `0x` seed, as the worker reads it. Errors
/// never show the file's content.
pub fn load_worker_key(file: &Path) -> Result<Keypair> {
	let suri = std::fs::read_to_string(file)
		.with_context(|| format!("reading the worker key file {}", file.display()))?;
	let invalid = || anyhow!("the worker key file {} holds no valid key", file.display());
	let uri = suri.trim().parse::<subxt_signer::SecretUri>().map_err(|_| invalid())?;
	Keypair::from_uri(&uri).map_err(|_| invalid())
}

/// What the worker's `prove_key` answers.
#[derive(Deserialize)]
struct KeyProofAnswer {
	worker: String,
	signature: String,
}

/// The worker's JSON-RPC endpoint over WebSocket (it serves HTTP and WebSocket on one port):
/// `http://` becomes `ws://`, `https://` becomes `wss://`.
fn worker_ws_url(url: &str) -> String {
	if let Some(rest) = url.strip_prefix("http://") {
		format!("ws://{rest}")
	} else if let Some(rest) = url.strip_prefix("https://") {
		format!("wss://{rest}")
	} else {
		url.to_string()
	}
}

/// A WebSocket connection to the worker at `url`, sending `Authorization: Bearer <token>`
/// when `token_file` is given.
async fn connect_worker(url: &str, token_file: Option<&Path>) -> Result<subxt::rpcs::RpcClient> {
	use jsonrpsee::ws_client::{HeaderMap, HeaderValue, WsClientBuilder};
	let mut headers = HeaderMap::new();
	if let Some(file) = token_file {
		let bearer = format!("Bearer {}", load_worker_token(file)?);
		let value = HeaderValue::from_str(&bearer).with_context(|| {
			format!("the worker token in {} is not header text", file.display())
		})?;
		headers.insert("authorization", value);
	}
	let client = WsClientBuilder::default()
		.set_headers(headers)
		.build(worker_ws_url(url))
		.await
		.with_context(|| {
			format!(
				"cannot reach the inference worker at {url}: is it running, is that its URL, and \
				 does it need --worker-token-file?"
			)
		})?;
	Ok(subxt::rpcs::RpcClient::new(client))
}

/// Asks the inference worker at `url` to sign the proof for `provider` on the chain with
/// `genesis_hash` (its `prove_key` method), with the worker token in `token_file` if given.
pub async fn prove_key_via_worker(
	url: &str,
	token_file: Option<&Path>,
	genesis_hash: [u8; 32],
	provider: &AccountId32,
) -> Result<ProvenWorkerKey> {
	use subxt::rpcs::client::RawValue;
	let rpc = connect_worker(url, token_file).await?;
	let params = serde_json::json!({
		"provider": format!("0x{}", hex::encode(provider.0)),
		"genesis_hash": format!("0x{}", hex::encode(genesis_hash)),
	});
	let params = RawValue::from_string(params.to_string())?;
	let answer = rpc.request_raw("prove_key", Some(params)).await.map_err(|e| match e {
		subxt::rpcs::Error::User(e) if e.code == -32601 => anyhow!(
			"the inference worker at {url} has no prove_key method: upgrade infera-worker, or \
			 sign with --worker-key-file"
		),
		subxt::rpcs::Error::User(e) => {
			anyhow!(
				"the inference worker at {url} refused prove_key: {} (error {})",
				e.message,
				e.code
			)
		}
		e => anyhow!("prove_key at the inference worker at {url}: {e}"),
	})?;
	let answer: KeyProofAnswer = serde_json::from_str(answer.get())
		.with_context(|| format!("the inference worker at {url} answered prove_key oddly"))?;
	let worker = crate::spec::parse_hex32(&answer.worker)
		.with_context(|| format!("worker key from {url}"))?;
	let proof = hex::decode(answer.signature.trim_start_matches("0x"))
		.ok()
		.and_then(|b| <[u8; 64]>::try_from(b).ok())
		.with_context(|| format!("the signature from {url} is not 64 bytes of hex"))?;
	Ok(ProvenWorkerKey { worker, proof })
}

/// The worker key and its proof for `provider` on the chain with `genesis_hash`, from `source`.
/// If `expected` (the `--worker-key` given) is set, the key must be it. The proof is verified
/// here, so a worker of another chain or a wrong URL is reported before any transaction.
pub async fn prove_worker_key(
	source: &WorkerKeySource,
	expected: Option<[u8; 32]>,
	genesis_hash: [u8; 32],
	provider: &AccountId32,
) -> Result<ProvenWorkerKey> {
	let (proven, origin) = match source {
		WorkerKeySource::Worker { url, token_file } => (
			prove_key_via_worker(url, token_file.as_deref(), genesis_hash, provider).await?,
			format!("the worker at {url}"),
		),
		WorkerKeySource::KeyFile(file) => (
			ProvenWorkerKey::sign(&load_worker_key(file)?, genesis_hash, provider),
			format!("the key file {}", file.display()),
		),
	};
	if let Some(expected) = expected {
		if expected != proven.worker {
			bail!(
				"{origin} holds worker key 0x{}, not the --worker-key 0x{}",
				hex::encode(proven.worker),
				hex::encode(expected)
			);
		}
	}
	if !proven.verifies(genesis_hash, provider) {
		bail!(
			"{origin} gave a worker-key proof that does not verify for {provider} on the chain \
			 with genesis 0x{}",
			hex::encode(genesis_hash)
		);
	}
	Ok(proven)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn generated_key_file_holds_the_seed_of_the_returned_key_and_is_not_overwritten() {
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("worker.key");
		let public = generate_worker_key(&file).unwrap();
		let seed = std::fs::read_to_string(&file).unwrap();
		let key = crate::chain::keypair(seed.trim()).unwrap();
		assert_eq!(key.public_key().0, public);
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
		}
		assert!(generate_worker_key(&file).is_err());
		assert_ne!(generate_worker_key(&dir.path().join("other.key")).unwrap(), public);
	}

	#[test]
	fn a_key_file_signs_a_proof_for_one_provider_on_one_chain() {
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("worker.key");
		std::fs::write(&file, "//DaveWorker\n").unwrap();
		let worker = load_worker_key(&file).unwrap();
		let dave = crate::chain::parse_account("//Dave").unwrap();
		let eve = crate::chain::parse_account("//Eve").unwrap();
		let proven = ProvenWorkerKey::sign(&worker, [1; 32], &dave);
		assert_eq!(proven.worker, crate::chain::keypair("//DaveWorker").unwrap().public_key().0);
		assert!(proven.verifies([1; 32], &dave));
		assert!(!proven.verifies([1; 32], &eve), "bound to the provider");
		assert!(!proven.verifies([2; 32], &dave), "bound to the chain");
		assert!(load_worker_key(&dir.path().join("missing.key")).is_err());
		std::fs::write(&file, "not a secret").unwrap();
		let bad = load_worker_key(&file).err().unwrap();
		assert!(
			bad.to_string().contains("holds no valid key") && !format!("{bad:#}").contains("not a")
		);
	}

	#[tokio::test]
	async fn the_worker_key_must_be_the_expected_one_and_the_worker_reachable() {
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("worker.key");
		let public = generate_worker_key(&file).unwrap();
		let dave = crate::chain::parse_account("//Dave").unwrap();
		let source = WorkerKeySource::KeyFile(file);
		let proven = prove_worker_key(&source, Some(public), [3; 32], &dave).await.unwrap();
		assert_eq!(proven.worker, public);
		let wrong = prove_worker_key(&source, Some([9; 32]), [3; 32], &dave).await;
		assert!(wrong.unwrap_err().to_string().contains("not the --worker-key"));
		// Nothing listens on port 1.
		let source = WorkerKeySource::Worker { url: "http://127.0.0.1:1".into(), token_file: None };
		let unreachable = prove_worker_key(&source, None, [3; 32], &dave).await.unwrap_err();
		assert!(unreachable.to_string().contains("cannot reach the inference worker"));
	}

	#[test]
	fn worker_token_is_32_random_bytes_in_an_owner_only_file() {
		use std::os::unix::fs::PermissionsExt;
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("worker.token");
		generate_worker_token(&file).unwrap();
		let token = load_worker_token(&file).unwrap();
		assert_eq!(hex::decode(&token).unwrap().len(), SECRET_BYTES);
		let mode = std::fs::metadata(&file).unwrap().permissions().mode();
		assert_eq!(mode & 0o777, OWNER_ONLY);
		assert!(generate_worker_token(&file).is_err(), "overwrote a token");
		let other = dir.path().join("other.token");
		generate_worker_token(&other).unwrap();
		assert_ne!(load_worker_token(&other).unwrap(), token);
	}

	#[test]
	fn worker_urls_become_websocket_urls() {
		assert_eq!(worker_ws_url("http://127.0.0.1:8700"), "ws://127.0.0.1:8700");
		assert_eq!(worker_ws_url("https://w.example:443"), "wss://w.example:443");
		assert_eq!(worker_ws_url("ws://127.0.0.1:8700"), "ws://127.0.0.1:8700");
	}
}
