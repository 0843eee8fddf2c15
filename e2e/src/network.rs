//! Multi-node networks for tests: validators of the `local` chain (or of a spec derived from
//! it), and provider sites, each a provider's own node (its provider key inserted with
//! `infera-node key insert`, off-chain worker on every block) with its own inference worker,
//! the two sharing a fresh worker token.

use crate::{
	market::{
		keypair, register_digits_model, register_provider, Digits, ProviderTerms, AUTHOR_FEE, MODEL,
	},
	node_binary, Client, Node, Worker, WorkerToken, BOOTNODE_KEY, BOOTNODE_PEER_ID,
};
use anyhow::{bail, Context, Result};
use std::{path::Path, process::Command, time::Duration};
use subxt_signer::sr25519::Keypair;

/// Starts validators of `chain` (`local`, or a spec file derived from it) with the dev keys of
/// `names` (`["alice", "bob", …]`, each a node flag like `--alice`). The first is the bootnode
/// (node key [`BOOTNODE_KEY`]); process names end in `suffix`.
pub fn start_validators(chain: &str, names: &[&str], suffix: &str) -> Result<Vec<Node>> {
	let Some((first, others)) = names.split_first() else { bail!("no validator named") };
	let first_flag = format!("--{first}");
	let bootnode = Node::spawn(
		&format!("{first}{suffix}"),
		&["--chain", chain, &first_flag, "--validator", "--node-key", BOOTNODE_KEY],
	)?;
	let address = bootnode.multiaddr(BOOTNODE_PEER_ID);
	let mut nodes = vec![bootnode];
	for name in others {
		let flag = format!("--{name}");
		nodes.push(Node::spawn(
			&format!("{name}{suffix}"),
			&["--chain", chain, &flag, "--validator", "--bootnodes", &address],
		)?);
	}
	Ok(nodes)
}

/// Writes to `path` the `local` chain's spec with the referendum timing of the dev chain
/// (periods of seconds instead of days), as an operator of a test network would derive it with
/// `infera-node build-spec`, so a referendum can pass within a test.
pub fn local_spec_with_dev_referendum_timing(path: &Path) -> Result<()> {
	let spec_of = |chain: &str| -> Result<serde_json::Value> {
		let output =
			Command::new(node_binary()?).args(["build-spec", "--chain", chain]).output()?;
		if !output.status.success() {
			bail!("build-spec {chain} failed: {}", String::from_utf8_lossy(&output.stderr));
		}
		serde_json::from_slice(&output.stdout).with_context(|| format!("{chain} spec JSON"))
	};
	let timing_pointer = "/genesis/runtimeGenesis/patch/marketGovernance/timing";
	let dev_timing =
		spec_of("dev")?.pointer(timing_pointer).cloned().context("no timing in the dev spec")?;
	let mut local = spec_of("local")?;
	*local.pointer_mut(timing_pointer).context("no timing in the local spec")? = dev_timing;
	std::fs::write(path, serde_json::to_vec_pretty(&local)?)
		.with_context(|| format!("writing {}", path.display()))
}

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
	/// The token its node and worker share (`--inference-worker-token-file`, `--token-file`),
	/// in a folder of its own removed with the site.
	pub worker_token: WorkerToken,
	/// Its node.
	pub node: Node,
}

impl ProviderSite {
	/// Starts the worker (key `<suri>Worker`) and the node of provider `suri` (`//Dave`) on
	/// `chain`, connected to `bootnode`; the node's keystore holds the provider's own key.
	pub async fn start(name: &str, suri: &str, chain: &str, bootnode: &str) -> Result<Self> {
		Self::start_keyed(name, suri, suri, chain, bootnode).await
	}

	/// [`ProviderSite::start`] with `node_suri`'s key in the node's keystore instead of the
	/// provider's: the key of the operator the provider names (`set_operator`).
	pub async fn start_keyed(
		name: &str,
		suri: &str,
		node_suri: &str,
		chain: &str,
		bootnode: &str,
	) -> Result<Self> {
		let worker_seed = format!("{suri}Worker");
		let worker_token = WorkerToken::generate()?;
		let token = worker_token.arg();
		let mut worker =
			Worker::spawn(&format!("worker-{name}"), &worker_seed, &["--token-file", &token])?;
		worker.ready(Duration::from_secs(60)).await?;
		let mut node = Node::spawn_provider(
			name,
			chain,
			node_suri,
			&[
				"--bootnodes",
				bootnode,
				"--inference-worker-url",
				&worker.url(),
				"--inference-worker-token-file",
				&token,
			],
		)?;
		node.client(Duration::from_secs(180)).await?;
		Ok(ProviderSite {
			name: name.into(),
			key: keypair(suri)?,
			worker_seed,
			worker_port: worker.port,
			worker: Some(worker),
			worker_token,
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
		Ok(ProviderTerms { bond, worker: keypair(&self.worker_seed)?, model, capacity, price })
	}

	/// Replaces the worker (same port and key) by one started with `extra` flags, or stops it if
	/// `extra` is `None`.
	pub async fn replace_worker(&mut self, extra: Option<&[&str]>) -> Result<()> {
		if let Some(mut old) = self.worker.take() {
			old.process.kill();
		}
		if let Some(extra) = extra {
			let name = format!("worker-{}{}", self.name, extra.join(""));
			let token = self.worker_token.arg();
			let flags: Vec<&str> =
				extra.iter().copied().chain(["--token-file", token.as_str()]).collect();
			let mut worker = Worker::spawn_on(self.worker_port, &name, &self.worker_seed, &flags)?;
			worker.ready(Duration::from_secs(60)).await?;
			self.worker = Some(worker);
		}
		Ok(())
	}
}

/// A dev chain (Alice authoring, node key [`BOOTNODE_KEY`]) with Bob's digits model registered
/// and the three providers Dave, Eve and Ferdie, each a [`ProviderSite`] connected to it and
/// registered for the model with `bond`, a capacity of 16 and `price`.
pub struct DevMarket {
	/// The chain's node.
	pub chain: Node,
	/// A client of it.
	pub client: Client,
	/// Dave's, Eve's and Ferdie's sites, in that order.
	pub sites: Vec<ProviderSite>,
	/// The digits model's id.
	pub model: u128,
}

impl DevMarket {
	/// Starts it; process names start with `name`.
	pub async fn start(name: &str, digits: &Digits, bond: u128, price: u128) -> Result<Self> {
		let mut chain = Node::spawn(name, &["--dev", "--node-key", BOOTNODE_KEY])?;
		let bootnode = chain.multiaddr(BOOTNODE_PEER_ID);
		let client = chain.client(Duration::from_secs(180)).await?;
		let mut sites = Vec::new();
		for (site, suri) in [("dave", "//Dave"), ("eve", "//Eve"), ("ferdie", "//Ferdie")] {
			sites.push(
				ProviderSite::start(&format!("{name}-{site}"), suri, "dev", &bootnode).await?,
			);
		}
		let bob = keypair("//Bob")?;
		let model = register_digits_model(&client, &bob, digits, MODEL, AUTHOR_FEE).await?;
		for site in &sites {
			register_provider(&client, &site.key, &site.terms(model, bond, 16, price)?).await?;
		}
		Ok(DevMarket { chain, client, sites, model })
	}

	/// The providers' accounts, in order.
	pub fn providers(&self) -> Vec<[u8; 32]> {
		self.sites.iter().map(|s| s.key.public_key().0).collect()
	}
}
