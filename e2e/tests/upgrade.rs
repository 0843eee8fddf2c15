//! Runtime upgrade in place: a dev chain with a provider node serving jobs is upgraded by
//! `sudo(system.set_code)` to the same runtime one spec version later (the blob built with the
//! runtime's `spec-version-bump` feature; `scripts/test.sh` builds it and names it in
//! `INFERA_UPGRADE_WASM`). Jobs submitted before, across and after the upgrade all complete with
//! libtorch's answers, and both nodes run the new version.

use anyhow::{ensure, Context, Result};
use infera_client::runtime::infera::{
	self,
	runtime_types::{frame_system::pallet::Call as SystemCall, sp_weights::weight_v2::Weight},
	Call as RuntimeCall,
};
use infera_e2e::{
	market::{self, job_price, keypair, Digits, AUTHOR_FEE, BOND, MODEL, PRICE},
	network::ProviderSite,
	spec_version, wait_for_spec_version, Node, BOOTNODE_KEY, BOOTNODE_PEER_ID,
};
use std::time::Duration;

/// The spec version of the workspace's runtime (`runtime/src/lib.rs`); the upgrade blob has
/// the next one.
const OLD_SPEC: u32 = 105;

#[tokio::test]
async fn the_runtime_is_upgraded_in_place_while_jobs_flow() -> Result<()> {
	let code_path = std::env::var("INFERA_UPGRADE_WASM")
		.context("INFERA_UPGRADE_WASM must name the spec-version-bump runtime blob (scripts/test.sh builds it)")?;
	let code = std::fs::read(&code_path).with_context(|| format!("reading {code_path}"))?;
	let digits = Digits::load()?;
	let expected = digits.expected_top1(MODEL)?;
	let mut chain = Node::spawn("dev-upgrade", &["--dev", "--node-key", BOOTNODE_KEY])?;
	let bootnode = chain.multiaddr(BOOTNODE_PEER_ID);
	let client = chain.client(Duration::from_secs(180)).await?;
	let mut dave = ProviderSite::start("dave-upgrade", "//Dave", "dev", &bootnode).await?;
	let dave_client = dave.node.client(Duration::from_secs(60)).await?;
	let (alice, bob, charlie) = (keypair("//Alice")?, keypair("//Bob")?, keypair("//Charlie")?);
	let model = market::register_digits_model(&client, &bob, &digits, MODEL, AUTHOR_FEE).await?;
	market::register_provider(&client, &dave.key, &dave.terms(model, BOND, 16, PRICE)?).await?;
	let old_spec = spec_version(&client).await?;
	ensure!(old_spec == OLD_SPEC, "the chain starts at spec {old_spec}, not {OLD_SPEC}");

	// Jobs before the upgrade, left open while it is enacted.
	let before =
		market::submit_jobs(&client, &charlie, model, &digits.inputs[..3], 1, job_price(1)).await?;
	let set_code = RuntimeCall::System(SystemCall::set_code { code });
	let no_weight = Weight { ref_time: 0, proof_size: 0 };
	let upgrade = infera::tx().sudo().sudo_unchecked_weight(set_code, no_weight);
	let events = market::submit(&client, &alice, &upgrade, None).await?;
	market::event::<infera::system::events::CodeUpdated>(&events)?;
	let sudid = market::event::<infera::sudo::events::Sudid>(&events)?;
	ensure!(
		sudid.sudo_result.is_ok(),
		"sudo dispatched set_code with an error: {:?}",
		sudid.sudo_result
	);
	for (name, client) in [("validator", &client), ("provider", &dave_client)] {
		wait_for_spec_version(client, name, OLD_SPEC + 1, Duration::from_secs(60)).await?;
	}

	// Jobs after the upgrade.
	let after =
		market::submit_jobs(&client, &charlie, model, &digits.inputs[3..6], 1, job_price(1))
			.await?;
	let ids: Vec<u64> = before.iter().chain(&after).map(|j| j.job_id).collect();
	market::assert_completed_with(&client, &ids, &expected, Duration::from_secs(120)).await?;
	println!(
		"upgraded spec {OLD_SPEC} -> {} in place; 6 jobs across the upgrade completed",
		OLD_SPEC + 1
	);
	drop(dave);
	Ok(())
}
