//! Provider sites for multi-node tests: a provider's own node (its provider key inserted with
//! `infera-node key insert`, off-chain worker on every block) and its own inference worker.

use crate::{
	market::{keypair, ProviderTerms},
	Node, Worker,
};
use anyhow::Result;
use std::time::Duration;
use subxt_signer::sr25519::Keypair;

/// One provider: account key, node and worker.
pub struct ProviderSite {
	/// Short name (`dave`), used for process names.
	pub name: String,
	/// The provider's account key (also its `infr` provider key).
	pub key: Keypair,
	/// Secret URI of its worker's signing key.
	pub worker_seed: String,
	/// Its worker, unless stopped.
	pub worker: Option<Worker>,
	/// The port its node calls the worker on.
	pub worker_port: u16,
	/// Its node.
	pub node: Node,
}

impl ProviderSite {
	/// Starts the worker (key `<suri>Worker`) and the node of provider `suri` (`//Dave`) on
	/// `chain`, connected to `bootnode`.
	pub async fn start(name: &str, suri: &str, chain: &str, bootnode: &str) -> Result<Self> {
		let worker_seed = format!("{suri}Worker");
		let mut worker = Worker::spawn(&format!("worker-{name}"), &worker_seed, &[])?;
		worker.ready(Duration::from_secs(60)).await?;
		let mut node = Node::spawn_provider(
			name,
			chain,
			suri,
			&["--bootnodes", bootnode, "--inference-worker-url", &worker.url()],
		)?;
		node.client(Duration::from_secs(180)).await?;
		Ok(ProviderSite {
			name: name.into(),
			key: keypair(suri)?,
			worker_seed,
			worker_port: worker.port,
			worker: Some(worker),
			node,
		})
	}

	/// What this provider registers for `model`: `bond`, its worker key, `capacity`, `price`.
	pub fn terms(
		&self,
		model: u128,
		bond: u128,
		capacity: u32,
		price: u128,
	) -> Result<ProviderTerms> {
		Ok(ProviderTerms {
			bond,
			worker_key: keypair(&self.worker_seed)?.public_key().0,
			model,
			capacity,
			price,
		})
	}

	/// Replaces the worker (same port and key) by one started with `extra` flags, or stops it if
	/// `extra` is `None`.
	pub async fn replace_worker(&mut self, extra: Option<&[&str]>) -> Result<()> {
		if let Some(mut old) = self.worker.take() {
			old.process.kill();
		}
		if let Some(extra) = extra {
			let name = format!("worker-{}{}", self.name, extra.join(""));
			let mut worker = Worker::spawn_on(self.worker_port, &name, &self.worker_seed, extra)?;
			worker.ready(Duration::from_secs(60)).await?;
			self.worker = Some(worker);
		}
		Ok(())
	}
}
