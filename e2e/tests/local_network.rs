//! The `local` chain: four validators (Alice, Bob, Charlie, One) find each other, author with BABE
//! and finalize with GRANDPA. GRANDPA needs more than two thirds of its voters, so four voters
//! finalize with one of them down (three would need all three).

use anyhow::{anyhow, ensure, Result};
use infera_e2e::{finalized_number, network::start_validators, wait_for, Client, Node};
use std::time::Duration;

/// The validators of the `local` chain.
const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "one"];

/// Held by each test while its network runs, so the two run one after the other: eight debug
/// nodes building their genesis state at once, beside the other test executables on a 2-core
/// machine, took longer than the start-up deadline ([`START_UP`]).
static ONE_NETWORK_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How long a validator may take to serve JSON-RPC. Each debug node compiles the runtime twice
/// to build its genesis state: alone, a network starts in well under a minute, but beside the
/// other test executables on a 2-core machine four nodes took over 180 s.
const START_UP: Duration = Duration::from_secs(600);

/// Waits until `client`'s node has finalized block `number`.
async fn finalized_at_least(client: &Client, what: &str, number: u64) -> Result<()> {
	wait_for(what, Duration::from_secs(180), || async {
		Ok((finalized_number(client).await? >= number).then_some(()))
	})
	.await
}

#[tokio::test]
async fn four_validators_author_and_finalize() -> Result<()> {
	let _network = ONE_NETWORK_AT_A_TIME.lock().await;
	let mut validators = start_validators("local", &VALIDATORS, "")?;
	for node in validators.iter_mut() {
		let client = node.client(START_UP).await?;
		let name = node.name().to_string();
		finalized_at_least(&client, &format!("{name} to finalize block 3"), 3).await?;
	}
	Ok(())
}

/// Number of the best block of the node at `url`.
async fn best_number(url: &str) -> Result<u64> {
	let rpc = subxt::rpcs::RpcClient::from_insecure_url(url).await?;
	let header: serde_json::Value =
		rpc.request("chain_getHeader", subxt::rpcs::rpc_params![]).await?;
	let number = header["number"].as_str().unwrap_or("0x0").trim_start_matches("0x");
	Ok(u64::from_str_radix(number, 16)?)
}

/// One of the four validators is killed: the other three keep authoring in their BABE slots and,
/// being more than two thirds of the GRANDPA voters, keep finalizing. Restarted from its
/// database, the validator catches up with the blocks made without it and finalizes with the
/// others again.
#[tokio::test]
async fn finality_continues_with_a_validator_down_and_it_catches_up() -> Result<()> {
	let _network = ONE_NETWORK_AT_A_TIME.lock().await;
	let [mut alice, mut bob, mut charlie, mut one]: [Node; 4] =
		start_validators("local", &VALIDATORS, "-fault")?
			.try_into()
			.map_err(|_| anyhow!("four validators expected"))?;
	let alice_client = alice.client(START_UP).await?;
	for node in [&mut bob, &mut charlie, &mut one] {
		node.client(START_UP).await?;
	}
	finalized_at_least(&alice_client, "finality of block 3", 3).await?;

	let alice_url = alice.ws_url();
	charlie.process.kill();
	let best_at_kill = best_number(&alice_url).await?;
	let finalized_at_kill = finalized_number(&alice_client).await?;
	wait_for("6 more blocks without Charlie", Duration::from_secs(60), || async {
		Ok((best_number(&alice_url).await? >= best_at_kill + 6).then_some(()))
	})
	.await?;
	finalized_at_least(
		&alice_client,
		"finality past the blocks authored without Charlie",
		best_at_kill + 3,
	)
	.await?;
	let best_without = best_number(&alice_url).await?;
	let finalized_without = finalized_number(&alice_client).await?;
	println!(
		"Charlie killed at best {best_at_kill}, finalized {finalized_at_kill}; without Charlie: \
		 best {best_without}, finalized {finalized_without}"
	);
	ensure!(finalized_without > best_at_kill, "finality stalled without Charlie");

	charlie.process.restart()?;
	let charlie_client = charlie.client(START_UP).await?;
	finalized_at_least(
		&charlie_client,
		"Charlie to catch up with the blocks finalized without it",
		best_without + 1,
	)
	.await?;
	let alice_final = finalized_number(&alice_client).await?;
	println!("Charlie restarted and finalized past {best_without}; Alice finalized {alice_final}");
	Ok(())
}
