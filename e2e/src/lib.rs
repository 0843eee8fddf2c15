//! Harness for end-to-end tests: starts real `infera-node` processes on free loopback ports,
//! waits (bounded) for them to serve JSON-RPC, and stops them when dropped, whatever the outcome.
//!
//! The node binary is taken from `INFERA_NODE_BIN` (set by `scripts/test.sh`), falling back to
//! `$CARGO_TARGET_DIR/debug/infera-node`.

use anyhow::{bail, Context, Result};
use std::{
	future::Future,
	net::TcpListener,
	path::PathBuf,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};
use subxt::{OnlineClient, SubstrateConfig};

/// A client of an Infera node.
pub type Client = OnlineClient<SubstrateConfig>;

/// Node key of the first node of a network, so others can name it as bootnode.
pub const BOOTNODE_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000001";
/// The libp2p peer id of [`BOOTNODE_KEY`].
pub const BOOTNODE_PEER_ID: &str = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

/// A loopback TCP port that was free a moment ago.
pub fn free_port() -> Result<u16> {
	Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Path of the node binary under test.
pub fn node_binary() -> Result<PathBuf> {
	let path = match std::env::var_os("INFERA_NODE_BIN") {
		Some(p) => PathBuf::from(p),
		None => {
			let target = std::env::var_os("CARGO_TARGET_DIR")
				.map(PathBuf::from)
				.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
			target.join("debug/infera-node")
		},
	};
	if !path.is_file() {
		bail!("node binary {} not found: build it with `cargo build -p infera-node`", path.display());
	}
	Ok(path)
}

/// A running node process, killed when dropped.
pub struct Node {
	/// Name used in logs.
	pub name: String,
	/// JSON-RPC port (WebSocket and HTTP).
	pub rpc_port: u16,
	/// libp2p port.
	pub p2p_port: u16,
	child: Child,
	log: PathBuf,
	_base: tempfile::TempDir,
}

impl Node {
	/// Starts a node with `args` (besides base path, ports and name, which this sets).
	pub fn spawn(name: &str, args: &[&str]) -> Result<Node> {
		let base = tempfile::Builder::new().prefix(&format!("infera-{name}-")).tempdir()?;
		let rpc_port = free_port()?;
		let p2p_port = free_port()?;
		let log = base.path().join("node.log");
		let log_file = std::fs::File::create(&log)?;
		let child = Command::new(node_binary()?)
			.args(args)
			.arg("--base-path")
			.arg(base.path())
			.args(["--rpc-port", &rpc_port.to_string(), "--port", &p2p_port.to_string()])
			.args(["--name", name, "--no-prometheus", "--no-telemetry", "--no-mdns"])
			.stdin(Stdio::null())
			.stdout(log_file.try_clone()?)
			.stderr(log_file)
			.spawn()
			.context("starting infera-node")?;
		Ok(Node { name: name.into(), rpc_port, p2p_port, child, log, _base: base })
	}

	/// WebSocket URL of the node's JSON-RPC server.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// libp2p address of this node, for `--bootnodes`, given its peer id.
	pub fn multiaddr(&self, peer_id: &str) -> String {
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", self.p2p_port)
	}

	/// The last `lines` lines of the node's log, for failure messages.
	pub fn log_tail(&self, lines: usize) -> String {
		let text = std::fs::read_to_string(&self.log).unwrap_or_default();
		let all: Vec<&str> = text.lines().collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}

	/// Connects a client, retrying until the node serves JSON-RPC or `timeout` passes.
	pub async fn client(&mut self, timeout: Duration) -> Result<Client> {
		let deadline = Instant::now() + timeout;
		loop {
			if let Some(status) = self.child.try_wait()? {
				bail!("{} exited with {status}:\n{}", self.name, self.log_tail(40));
			}
			match Client::from_insecure_url(self.ws_url()).await {
				Ok(client) => return Ok(client),
				Err(e) if Instant::now() > deadline =>
					bail!("{} serves no JSON-RPC after {timeout:?}: {e}\n{}", self.name, self.log_tail(40)),
				Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
			}
		}
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// Polls `check` until it returns `Some`, failing after `timeout` with `what` in the message.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<T>
where
	F: FnMut() -> Fut,
	Fut: Future<Output = Result<Option<T>>>,
{
	let deadline = Instant::now() + timeout;
	loop {
		if let Some(value) = check().await? {
			return Ok(value);
		}
		if Instant::now() > deadline {
			bail!("timed out after {timeout:?} waiting for {what}");
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
}

/// Number of the node's latest finalized block.
pub async fn finalized_number(client: &Client) -> Result<u64> {
	Ok(client.at_current_block().await?.block_number())
}
