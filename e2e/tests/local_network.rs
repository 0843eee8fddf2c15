//! The `local` chain: three validators (Alice, Bob, Charlie) find each other, author with Aura
//! and finalize with GRANDPA. With three voters GRANDPA needs all three (more than two thirds),
//! so finality advancing on every node proves every validator takes part.

use anyhow::Result;
use infera_e2e::{finalized_number, wait_for, Node, BOOTNODE_KEY, BOOTNODE_PEER_ID};
use std::time::Duration;

/// Starts Alice (the bootnode), Bob and Charlie as validators of the `local` chain; process
/// names end in `suffix`.
fn start_validators(suffix: &str) -> Result<[Node; 3]> {
	let alice = Node::spawn(
		&format!("alice{suffix}"),
		&["--chain", "local", "--alice", "--validator", "--node-key", BOOTNODE_KEY],
	)?;
	let bootnode = alice.multiaddr(BOOTNODE_PEER_ID);
	let others = ["bob", "charlie"].map(|name| {
		let flag = format!("--{name}");
		Node::spawn(
			&format!("{name}{suffix}"),
			&["--chain", "local", &flag, "--validator", "--bootnodes", &bootnode],
		)
	});
	let [bob, charlie] = others;
	Ok([alice, bob?, charlie?])
}

#[tokio::test]
async fn three_validators_author_and_finalize() -> Result<()> {
	let [mut alice, mut bob, mut charlie] = start_validators("")?;

	for node in [&mut alice, &mut bob, &mut charlie] {
		let client = node.client(Duration::from_secs(180)).await?;
		let name = node.name().to_string();
		wait_for(&format!("{name} to finalize block 3"), Duration::from_secs(120), || async {
			Ok((finalized_number(&client).await? >= 3).then_some(()))
		})
		.await?;
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

/// One of the three validators is killed: the other two keep authoring blocks in their Aura
/// slots. Finality needs more than two thirds of the GRANDPA voters (all three of three), so it
/// waits; once the validator is restarted from its database it catches up and finality resumes
/// past the blocks authored without it.
#[tokio::test]
async fn a_killed_validator_rejoins_and_finality_resumes() -> Result<()> {
	let [mut alice, mut bob, mut charlie] = start_validators("-fault")?;
	let alice_client = alice.client(Duration::from_secs(180)).await?;
	bob.client(Duration::from_secs(180)).await?;
	charlie.client(Duration::from_secs(180)).await?;
	wait_for("finality of block 3", Duration::from_secs(120), || async {
		Ok((finalized_number(&alice_client).await? >= 3).then_some(()))
	})
	.await?;

	let alice_url = alice.ws_url();
	charlie.process.kill();
	let best_at_kill = best_number(&alice_url).await?;
	wait_for("6 more blocks without Charlie", Duration::from_secs(60), || async {
		Ok((best_number(&alice_url).await? >= best_at_kill + 6).then_some(()))
	})
	.await?;
	let best_without = best_number(&alice_url).await?;
	let finalized_without = finalized_number(&alice_client).await?;
	println!("without Charlie: best {best_without}, finalized {finalized_without}");

	charlie.process.restart()?;
	let charlie_client = charlie.client(Duration::from_secs(180)).await?;
	wait_for(
		"Charlie to catch up and finality to pass the blocks made without it",
		Duration::from_secs(180),
		|| async {
			let alice_final = finalized_number(&alice_client).await?;
			let charlie_final = finalized_number(&charlie_client).await?;
			Ok((alice_final > best_without && charlie_final > best_without).then_some(()))
		},
	)
	.await?;
	Ok(())
}
