//! The `--dev` chain: one node authors one-second blocks, finalizes them, and executes real
//! signed transactions; unfunded senders are refused.

use anyhow::Result;
use infera_client::runtime::infera::{self, runtime_types::sp_consensus_babe::AllowedSlots};
use infera_e2e::{
	finalized_number,
	market::{free_balance, UNIT},
	wait_for, Node,
};
use std::time::Duration;
use subxt::utils::MultiAddress;
use subxt_signer::{sr25519::dev, sr25519::Keypair, SecretUri};

#[tokio::test]
async fn dev_chain_produces_finalized_blocks_and_executes_transfers() -> Result<()> {
	let mut node = Node::spawn("dev", &["--dev"])?;
	let client = node.client(Duration::from_secs(180)).await?;

	// Blocks are authored and finalized.
	let first = finalized_number(&client).await?;
	let reached = wait_for("5 finalized blocks", Duration::from_secs(60), || async {
		let n = finalized_number(&client).await?;
		Ok((n >= first + 5).then_some(n))
	})
	.await?;
	assert!(reached >= first + 5);

	// BABE slots (and so blocks) are one second long, and every slot may carry a VRF output.
	let at = client.at_current_block().await?;
	let config = at.runtime_apis().call(infera::runtime_apis().babe_api().configuration()).await?;
	assert_eq!(config.slot_duration, 1000, "BABE slot duration");
	assert!(
		matches!(config.allowed_slots, AllowedSlots::PrimaryAndSecondaryVRFSlots),
		"allowed slots: {:?}",
		config.allowed_slots
	);

	// A signed transfer from Alice lands, and the receiver holds exactly what was sent.
	let receiver = Keypair::from_uri(&"//E2eReceiver".parse::<SecretUri>()?)?;
	let receiver_id: [u8; 32] = receiver.public_key().0;
	assert_eq!(free_balance(&client, receiver_id).await?, 0);
	let transfer = infera::tx()
		.balances()
		.transfer_keep_alive(MultiAddress::Id(receiver.public_key().to_account_id()), 5 * UNIT);
	client
		.at_current_block()
		.await?
		.transactions()
		.sign_and_submit_then_watch_default(&transfer, &dev::alice())
		.await?
		.wait_for_finalized_success()
		.await?;
	assert_eq!(free_balance(&client, receiver_id).await?, 5 * UNIT);

	// An account without funds cannot pay the fee: the pool refuses its transaction.
	let pauper = Keypair::from_uri(&"//E2ePauper".parse::<SecretUri>()?)?;
	let spend = infera::tx()
		.balances()
		.transfer_keep_alive(MultiAddress::Id(dev::bob().public_key().to_account_id()), UNIT);
	let submitted = client
		.at_current_block()
		.await?
		.transactions()
		.sign_and_submit_then_watch_default(&spend, &pauper)
		.await;
	// The pool refuses it either at submission or as an `Invalid` status of the watch stream.
	let message = match submitted {
		Err(e) => format!("{e:?}"),
		Ok(progress) => format!(
			"{:?}",
			progress
				.wait_for_finalized_success()
				.await
				.expect_err("an unfunded transfer must fail")
		),
	};
	assert!(
		message.contains("ayment") || message.contains("nvalid"),
		"unexpected error: {message}"
	);
	assert_eq!(free_balance(&client, pauper.public_key().0).await?, 0);
	Ok(())
}
