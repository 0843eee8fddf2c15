//! Harness for end-to-end tests: starts real `infera-node` processes on free loopback ports,
//! waits (bounded) for them to serve JSON-RPC, and stops them when dropped, whatever the outcome.
//!
//! The node binary is taken from `INFERA_NODE_BIN` (set by `scripts/test.sh`), falling back to
//! `$CARGO_TARGET_DIR/debug/infera-node`.

use anyhow::{bail, Context, Result};
pub mod load;
pub mod market;
pub mod network;

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

/// A client of the node at `url` over the legacy JSON-RPC methods (`chain_*`, `state_*`,
/// `author_*`). subxt's default backend follows blocks through `chainHead_v1_follow` and reads
/// headers through `archive_v1_header`; under a burst of transactions on a debug node the first
/// reported finalized blocks the second could not yet find ("cannot find the block header").
/// The legacy methods read one database.
async fn legacy_client(url: &str) -> Result<Client> {
	let rpc = subxt::rpcs::RpcClient::from_insecure_url(url).await?;
	let backend = subxt::backend::LegacyBackend::<SubstrateConfig>::builder().build(rpc);
	Ok(Client::from_backend(std::sync::Arc::new(backend)).await?)
}

/// Attempts of [`at_current_block`] before it gives up.
const CURRENT_BLOCK_ATTEMPTS: u32 = 5;

/// The client at the latest finalized block. Retried a few times: under a burst of
/// transactions the node's `chainHead` subscription may drop the block it just reported, and
/// subxt then cannot find that block's header ("cannot find the block header"); the next
/// finalized block is fine.
pub async fn at_current_block(
	client: &Client,
) -> Result<subxt::OnlineClientAtBlock<SubstrateConfig>> {
	let mut attempt = 1;
	loop {
		match client.at_current_block().await {
			Ok(at) => return Ok(at),
			Err(e) if attempt < CURRENT_BLOCK_ATTEMPTS => {
				eprintln!("at_current_block failed (attempt {attempt}): {e}; retrying");
				attempt += 1;
				tokio::time::sleep(Duration::from_millis(300)).await;
			}
			Err(e) => return Err(e.into()),
		}
	}
}

/// Node key of the first node of a network, so others can name it as bootnode.
pub const BOOTNODE_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000001";
/// The libp2p peer id of [`BOOTNODE_KEY`].
pub const BOOTNODE_PEER_ID: &str = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

/// Ports [`free_port`] hands out: below the kernel's ephemeral range (32768–60999 by default),
/// so that no outgoing connection takes a port between its choice and the server binding it.
/// A node told to use a port that is taken binds a random one instead, and its test cannot
/// reach it: with test executables running side by side this happened.
const TEST_PORTS: std::ops::Range<u16> = 20_000..32_000;
/// Ports tried before [`free_port`] gives up.
const PORT_ATTEMPTS: u32 = 1_000;

/// The port reservations of this process: a lock on `<temp>/infera-test-ports/<port>.lock` per
/// port handed out, held until the process exits (the kernel then releases them), so that test
/// processes running side by side never hand out the same port.
static RESERVED: std::sync::Mutex<Vec<std::fs::File>> = std::sync::Mutex::new(Vec::new());

/// A loopback TCP port reserved for this test process: free now, never handed out again by this
/// process, and not handed out by other test processes while this one lives.
pub fn free_port() -> Result<u16> {
	use std::hash::{BuildHasher, Hasher};
	let dir = std::env::temp_dir().join("infera-test-ports");
	std::fs::create_dir_all(&dir)?;
	let mut reserved = RESERVED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	for attempt in 0..PORT_ATTEMPTS {
		// A random port per attempt (std's hasher keys are random per process and call).
		let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
		hasher.write_u32(attempt);
		let span = TEST_PORTS.end - TEST_PORTS.start;
		let port = TEST_PORTS.start + (hasher.finish() % span as u64) as u16;
		let lock = std::fs::File::create(dir.join(format!("{port}.lock")))?;
		if lock.try_lock().is_err() || TcpListener::bind(("127.0.0.1", port)).is_err() {
			continue;
		}
		reserved.push(lock);
		return Ok(port);
	}
	bail!("no free port in {TEST_PORTS:?} after {PORT_ATTEMPTS} attempts")
}

/// The cargo target directory the binaries under test were built into.
pub fn target_dir() -> PathBuf {
	std::env::var_os("CARGO_TARGET_DIR")
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// Path of a binary under test: `$env_var`, else `<target>/debug/<name>`.
fn binary(env_var: &str, name: &str) -> Result<PathBuf> {
	let path = std::env::var_os(env_var)
		.map(PathBuf::from)
		.unwrap_or_else(|| target_dir().join("debug").join(name));
	if !path.is_file() {
		bail!(
			"binary {} not found: build it with `cargo build --workspace --bins`",
			path.display()
		);
	}
	Ok(path)
}

/// Path of the node binary under test (`INFERA_NODE_BIN`).
pub fn node_binary() -> Result<PathBuf> {
	binary("INFERA_NODE_BIN", "infera-node")
}

/// Path of the inference worker binary under test (`INFERA_WORKER_BIN`).
pub fn worker_binary() -> Result<PathBuf> {
	binary("INFERA_WORKER_BIN", "infera-worker")
}

/// A child process with its own temporary folder and log file, killed when dropped.
pub struct Process {
	/// Name used in logs and failure messages.
	pub name: String,
	child: Child,
	log: PathBuf,
	program: PathBuf,
	args: Vec<String>,
	base: tempfile::TempDir,
}

impl Process {
	/// A new temporary folder for a process called `name`.
	fn folder_for(name: &str) -> Result<tempfile::TempDir> {
		Ok(tempfile::Builder::new().prefix(&format!("infera-{name}-")).tempdir()?)
	}

	/// Starts `program` with `args` in its own new folder; `args` may name it as `{base}`.
	fn spawn(name: &str, program: PathBuf, args: &[String]) -> Result<Process> {
		Self::spawn_in(Self::folder_for(name)?, name, program, args)
	}

	/// Starts `program` with `args` in the folder `base` (which `args` may name as `{base}`).
	fn spawn_in(
		base: tempfile::TempDir,
		name: &str,
		program: PathBuf,
		args: &[String],
	) -> Result<Process> {
		let log = base.path().join("process.log");
		let child = Self::start(&program, args, base.path(), &log)?;
		Ok(Process { name: name.into(), child, log, program, args: args.to_vec(), base })
	}

	fn start(
		program: &PathBuf,
		args: &[String],
		base: &std::path::Path,
		log: &PathBuf,
	) -> Result<Child> {
		let log_file = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
		let folder = base.display().to_string();
		Command::new(program)
			.args(args.iter().map(|a| a.replace("{base}", &folder)))
			.stdin(Stdio::null())
			.stdout(log_file.try_clone()?)
			.stderr(log_file)
			.spawn()
			.with_context(|| format!("starting {}", program.display()))
	}

	/// Kills the process (if running) and starts it again with the same arguments, folder and
	/// log, as an operator restarting a service would.
	pub fn restart(&mut self) -> Result<()> {
		self.kill();
		self.child = Self::start(&self.program, &self.args, self.base.path(), &self.log)?;
		Ok(())
	}

	/// The process's temporary folder.
	pub fn folder(&self) -> &std::path::Path {
		self.base.path()
	}

	/// The last `lines` lines of the process's log, for failure messages.
	pub fn log_tail(&self, lines: usize) -> String {
		let text = std::fs::read_to_string(&self.log).unwrap_or_default();
		let all: Vec<&str> = text.lines().collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}

	/// Fails with the log's tail if the process has exited.
	pub fn ensure_running(&mut self) -> Result<()> {
		if let Some(status) = self.child.try_wait()? {
			bail!("{} exited with {status}:\n{}", self.name, self.log_tail(40));
		}
		Ok(())
	}

	/// Stops the process now (also done on drop).
	pub fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

impl Drop for Process {
	fn drop(&mut self) {
		self.kill();
		// `INFERA_E2E_LOGS=<dir>` keeps every process's log for inspection.
		if let Some(dir) = std::env::var_os("INFERA_E2E_LOGS") {
			let _ = std::fs::create_dir_all(&dir);
			let _ = std::fs::copy(&self.log, PathBuf::from(dir).join(format!("{}.log", self.name)));
		}
	}
}

/// A running `infera-node`.
pub struct Node {
	/// The process.
	pub process: Process,
	/// JSON-RPC port (WebSocket and HTTP).
	pub rpc_port: u16,
	/// libp2p port.
	pub p2p_port: u16,
}

impl Node {
	/// Starts a node with `args` (besides base path, ports and name, which this sets).
	pub fn spawn(name: &str, args: &[&str]) -> Result<Node> {
		Self::spawn_in(Process::folder_for(name)?, name, args)
	}

	/// Starts a provider's node on `chain`: its provider key (type `infr`, from the secret URI
	/// `provider_suri`) is put into its keystore with `infera-node key insert` first, as an
	/// operator would, and its off-chain worker runs on every block (`args` adds the rest).
	pub fn spawn_provider(
		name: &str,
		chain: &str,
		provider_suri: &str,
		args: &[&str],
	) -> Result<Node> {
		let base = Process::folder_for(name)?;
		let output = Command::new(node_binary()?)
			.args(["key", "insert", "--chain", chain, "--scheme", "sr25519"])
			.args(["--key-type", infera_primitives::PROVIDER_KEY_TYPE_NAME])
			.arg("--base-path")
			.arg(base.path())
			.args(["--suri", provider_suri])
			.output()?;
		if !output.status.success() {
			bail!("key insert for {name} failed: {}", String::from_utf8_lossy(&output.stderr));
		}
		let mut all = vec!["--chain", chain, "--offchain-worker", "always"];
		all.extend_from_slice(args);
		Self::spawn_in(base, name, &all)
	}

	fn spawn_in(base: tempfile::TempDir, name: &str, args: &[&str]) -> Result<Node> {
		let rpc_port = free_port()?;
		let p2p_port = free_port()?;
		let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
		if !args.contains(&"--node-key") {
			// Validators of non-dev chains must have a network key; any distinct 32 bytes do.
			all.extend([
				"--node-key".into(),
				format!("{:064x}", (rpc_port as u64) << 16 | p2p_port as u64),
			]);
		}
		all.extend(
			[
				"--base-path",
				"{base}",
				"--rpc-port",
				&rpc_port.to_string(),
				"--port",
				&p2p_port.to_string(),
				"--name",
				name,
				"--no-prometheus",
				"--no-telemetry",
				"--no-mdns",
				// Tests that poll through the CLI library open a connection per call, and subxt's
				// background driver keeps each open while the test's runtime lives: the default
				// 100 connections ran out (HTTP 429) in a slow governance run.
				"--rpc-max-connections",
				"10000",
			]
			.map(String::from),
		);
		Ok(Node {
			process: Process::spawn_in(base, name, node_binary()?, &all)?,
			rpc_port,
			p2p_port,
		})
	}

	/// Name of the node.
	pub fn name(&self) -> &str {
		&self.process.name
	}

	/// WebSocket URL of the node's JSON-RPC server.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// libp2p address of this node, for `--bootnodes`, given its peer id.
	pub fn multiaddr(&self, peer_id: &str) -> String {
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", self.p2p_port)
	}

	/// Connects a client, retrying until the node serves JSON-RPC or `timeout` passes.
	pub async fn client(&mut self, timeout: Duration) -> Result<Client> {
		let deadline = Instant::now() + timeout;
		loop {
			self.process.ensure_running()?;
			match legacy_client(&self.ws_url()).await {
				Ok(client) => return Ok(client),
				Err(e) if Instant::now() > deadline => bail!(
					"{} serves no JSON-RPC after {timeout:?}: {e}\n{}",
					self.name(),
					self.process.log_tail(40)
				),
				Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
			}
		}
	}
}

/// A fresh worker token (32 random bytes, hex) in an owner-only file of a temporary folder, as
/// `infera keys worker-token` writes it.
pub struct WorkerToken {
	_dir: tempfile::TempDir,
	/// The token file.
	pub file: std::path::PathBuf,
}

impl WorkerToken {
	/// Generates one.
	pub fn generate() -> Result<Self> {
		use std::{io::Read, os::unix::fs::OpenOptionsExt};
		let dir = tempfile::tempdir()?;
		let file = dir.path().join("worker.token");
		let mut secret = [0u8; 32];
		std::fs::File::open("/dev/urandom")?.read_exact(&mut secret)?;
		let mut out =
			std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&file)?;
		std::io::Write::write_all(&mut out, format!("{}\n", hex::encode(secret)).as_bytes())?;
		Ok(WorkerToken { _dir: dir, file })
	}

	/// The file as a command-line argument.
	pub fn arg(&self) -> String {
		self.file.display().to_string()
	}
}

/// Path of the `infera` client binary under test (`INFERA_CLIENT_BIN`).
pub fn client_binary() -> Result<PathBuf> {
	binary("INFERA_CLIENT_BIN", "infera")
}

/// A running `infera gateway` (Open Inference Protocol V2 and the console) on a loopback port.
pub struct Gateway {
	/// The process.
	pub process: Process,
	/// Its HTTP port.
	pub port: u16,
}

impl Gateway {
	/// Starts a gateway for the node at `node_url`, paying with the dev secret URI `suri`.
	pub fn spawn(name: &str, node_url: &str, suri: &str) -> Result<Gateway> {
		Self::spawn_with(name, node_url, suri, &[])
	}

	/// [`Gateway::spawn`] with more `gateway` options (`--token-file <file>`).
	pub fn spawn_with(name: &str, node_url: &str, suri: &str, extra: &[&str]) -> Result<Gateway> {
		let port = free_port()?;
		let listen = format!("127.0.0.1:{port}");
		let mut args = vec!["--url", node_url, "--suri", suri, "gateway", "--listen", &listen];
		args.extend_from_slice(extra);
		let args: Vec<String> = args.into_iter().map(String::from).collect();
		Ok(Gateway { process: Process::spawn(name, client_binary()?, &args)?, port })
	}

	/// `http://127.0.0.1:<port>`.
	pub fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}

	/// `127.0.0.1:<port>`, as `tritonclient` takes it.
	pub fn host_port(&self) -> String {
		format!("127.0.0.1:{}", self.port)
	}

	/// Waits until the gateway follows finalized blocks (`/v2/health/ready` answers 200).
	pub async fn ready(&mut self, timeout: Duration) -> Result<()> {
		let deadline = Instant::now() + timeout;
		let url = format!("{}/v2/health/ready", self.url());
		loop {
			self.process.ensure_running()?;
			if let Ok(r) = reqwest::get(&url).await {
				if r.status().is_success() {
					return Ok(());
				}
			}
			if Instant::now() > deadline {
				bail!(
					"{} not ready after {timeout:?}:\n{}",
					self.process.name,
					self.process.log_tail(20)
				);
			}
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
	}
}

/// Runs the project's Python script `e2e/python/<script>` with the venv's Python and `args`;
/// returns the JSON document it prints last.
pub fn run_python(script: &str, args: &[String]) -> Result<serde_json::Value> {
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python").join(script);
	let out = Command::new("python3")
		.arg(&path)
		.args(args)
		.output()
		.context("starting python3 (is the venv on PATH?)")?;
	let stdout = String::from_utf8_lossy(&out.stdout);
	if !out.status.success() {
		bail!(
			"{script} failed ({}):\n{stdout}\n{}",
			out.status,
			String::from_utf8_lossy(&out.stderr)
		);
	}
	let last = stdout.lines().last().context("no output")?;
	serde_json::from_str(last).with_context(|| format!("{script} printed no JSON: {stdout}"))
}

/// A running `infera-worker` (the provider's inference service).
pub struct Worker {
	/// The process.
	pub process: Process,
	/// Its HTTP JSON-RPC port.
	pub port: u16,
	/// Its JSON-RPC URL.
	url: String,
	/// The token file it requires.
	token_file: String,
	/// The token it generated for itself (none when the caller passed `--token-file`).
	_token: Option<WorkerToken>,
}

impl Worker {
	/// Starts a worker signing with the dev secret URI `seed`, plus `extra` flags (`--faulty`).
	pub fn spawn(name: &str, seed: &str, extra: &[&str]) -> Result<Worker> {
		Self::spawn_on(free_port()?, name, seed, extra)
	}

	/// [`Worker::spawn`] on a given port, e.g. to replace a stopped worker a node already calls.
	/// The worker reads `file://` artifacts only from the exported models' folder
	/// ([`market::models_dir`]) and the system's temporary folder (`--artifact-dir` both), where
	/// tests write the artifacts they tamper with (next to their processes' folders). It
	/// requires a token: the `--token-file` of `extra`, or one generated for it
	/// ([`Worker::node_args`] hands it to a node).
	pub fn spawn_on(port: u16, name: &str, seed: &str, extra: &[&str]) -> Result<Worker> {
		let models = market::models_dir();
		std::fs::create_dir_all(&models)?;
		let mut args: Vec<String> = [
			"--listen",
			&format!("127.0.0.1:{port}"),
			"--cache-dir",
			"{base}/cache",
			"--seed",
			seed,
			"--artifact-dir",
			&models.display().to_string(),
			"--artifact-dir",
			&std::env::temp_dir().display().to_string(),
		]
		.map(String::from)
		.to_vec();
		args.extend(extra.iter().map(|a| a.to_string()));
		let given = extra.iter().position(|a| *a == "--token-file").and_then(|i| extra.get(i + 1));
		let (token_file, token) = match given {
			Some(file) => (file.to_string(), None),
			None => {
				let token = WorkerToken::generate()?;
				args.extend(["--token-file".to_string(), token.arg()]);
				(token.arg(), Some(token))
			}
		};
		let process = Process::spawn(name, worker_binary()?, &args)?;
		let url = format!("http://127.0.0.1:{port}");
		Ok(Worker { process, port, url, token_file, _token: token })
	}

	/// The file holding the token the worker requires.
	pub fn token_file(&self) -> &str {
		&self.token_file
	}

	/// The node flags that make a node's off-chain worker call this worker: its URL and its
	/// token file.
	pub fn node_args(&self) -> Vec<&str> {
		vec!["--inference-worker-url", &self.url, "--inference-worker-token-file", &self.token_file]
	}

	/// The URL the node's off-chain worker calls.
	pub fn url(&self) -> String {
		self.url.clone()
	}

	/// Waits until the worker accepts connections.
	pub async fn ready(&mut self, timeout: Duration) -> Result<()> {
		let deadline = Instant::now() + timeout;
		loop {
			self.process.ensure_running()?;
			if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
				return Ok(());
			}
			if Instant::now() > deadline {
				bail!("{} not listening after {timeout:?}", self.process.name);
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
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

/// The runtime spec version the node runs at its latest finalized block.
pub async fn spec_version(client: &Client) -> Result<u32> {
	Ok(client.at_current_block().await?.spec_version())
}

/// Waits (at most `timeout`) until the node behind `client`, called `node` in messages, runs
/// runtime spec `version`.
pub async fn wait_for_spec_version(
	client: &Client,
	node: &str,
	version: u32,
	timeout: Duration,
) -> Result<()> {
	wait_for(&format!("the {node} node to run spec {version}"), timeout, || async {
		Ok((spec_version(client).await? == version).then_some(()))
	})
	.await
}
