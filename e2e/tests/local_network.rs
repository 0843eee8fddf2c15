//! The `local` chain: three validators (Alice, Bob, Charlie) find each other, author with Aura
//! and finalize with GRANDPA. With three voters GRANDPA needs all three (more than two thirds),
//! so finality advancing on every node proves every validator takes part.

use anyhow::Result;
use infera_e2e::{finalized_number, wait_for, Node, BOOTNODE_KEY, BOOTNODE_PEER_ID};
use std::time::Duration;

#[tokio::test]
async fn three_validators_author_and_finalize() -> Result<()> {
	let mut alice = Node::spawn(
		"alice",
		&["--chain", "local", "--alice", "--validator", "--node-key", BOOTNODE_KEY],
	)?;
	let bootnode = alice.multiaddr(BOOTNODE_PEER_ID);
	let mut bob = Node::spawn(
		"bob",
		&["--chain", "local", "--bob", "--validator", "--bootnodes", &bootnode],
	)?;
	let mut charlie = Node::spawn(
		"charlie",
		&["--chain", "local", "--charlie", "--validator", "--bootnodes", &bootnode],
	)?;

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
