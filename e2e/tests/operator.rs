//! A provider whose node holds only its operator's key (`set_operator`): the node serves the
//! provider's jobs, while the key it holds cannot move the provider's stake or funds. A stolen
//! node key is then worth the fees in the operator's account, not the provider's bond.

use anyhow::{ensure, Result};
use infera_client::runtime::infera;
use infera_e2e::{
	market::{self, keypair, Digits, JobExt, AUTHOR_FEE, BOND, MODEL, PRICE, UNIT},
	network::ProviderSite,
	Node, BOOTNODE_KEY, BOOTNODE_PEER_ID,
};
use std::time::Duration;
use subxt::utils::{AccountId32, MultiAddress};

/// Jobs served through the operator's key.
const JOBS: usize = 4;

#[tokio::test]
async fn a_node_holding_only_the_operator_key_serves_jobs_and_moves_no_funds() -> Result<()> {
	let digits = Digits::load()?;
	let mut chain = Node::spawn("operator-chain", &["--dev", "--node-key", BOOTNODE_KEY])?;
	let bootnode = chain.multiaddr(BOOTNODE_PEER_ID);
	let client = chain.client(Duration::from_secs(180)).await?;
	let (dave, operator) = (keypair("//Dave")?, keypair("//DaveOperator")?);
	let (dave_id, operator_id) = (dave.public_key().0, operator.public_key().0);
	// Dave's node holds the operator's key, never Dave's.
	let site =
		ProviderSite::start_keyed("operator-dave", "//Dave", "//DaveOperator", "dev", &bootnode)
			.await?;
	let model =
		market::register_digits_model(&client, &keypair("//Bob")?, &digits, MODEL, AUTHOR_FEE)
			.await?;
	market::register_provider(&client, &dave, &site.terms(model, BOND, 16, PRICE)?).await?;
	// The operator pays its own transaction fees (valid answers are free, refunded at once).
	let operator_account = AccountId32(operator_id);
	let fund =
		infera::tx().balances().transfer_keep_alive(MultiAddress::Id(operator_account), 10 * UNIT);
	market::submit(&client, &keypair("//Alice")?, &fund, None).await?;
	let name = infera::tx().provider_staking().set_operator(Some(operator_account));
	let events = market::submit(&client, &dave, &name, None).await?;
	market::event::<infera::provider_staking::events::OperatorSet>(&events)?;

	// Charlie's jobs are answered through the operator's key, with libtorch's answers.
	let before = market::free_balance(&client, dave_id).await?;
	let inputs = &digits.inputs[..JOBS];
	let jobs = market::submit_jobs(&client, &keypair("//Charlie")?, model, inputs, 1, UNIT).await?;
	let ids: Vec<u64> = jobs.iter().map(|j| j.job_id).collect();
	let expected = &digits.expected_top1(MODEL)?[..JOBS];
	market::assert_completed_with(&client, &ids, expected, Duration::from_secs(120)).await?;
	for id in &ids {
		let view = market::job(&client, *id).await?.expect("job kept for its retention");
		ensure!(view.providers() == vec![dave_id], "job {id} was served by {:?}", view.providers());
	}
	// Dave, not the operator, was paid for every job.
	let paid = market::free_balance(&client, dave_id).await? - before;
	ensure!(paid == JOBS as u128 * PRICE, "Dave was paid {paid}, not {JOBS} prices");

	// What a thief holding the node's key can do with Dave's funds: nothing.
	let bond = market::bonded(&client, dave_id).await?;
	let staking = infera::tx().provider_staking();
	let attempts = [
		("unbond", market::submit(&client, &operator, &staking.unbond(bond / 2), None).await),
		("set_price", market::submit(&client, &operator, &staking.set_price(1), None).await),
		("deregister", market::submit(&client, &operator, &staking.deregister(), None).await),
	];
	for (call, refused) in attempts {
		let err = refused.err().map(|e| format!("{e:#}")).unwrap_or_default();
		ensure!(err.contains("NotProvider"), "{call} by the operator key: {err:?}");
	}
	// A transfer signed by it moves the operator's own balance, not Dave's.
	let dave_free = market::free_balance(&client, dave_id).await?;
	let steal =
		infera::tx().balances().transfer_allow_death(MultiAddress::Id(AccountId32([7; 32])), UNIT);
	market::submit(&client, &operator, &steal, None).await?;
	ensure!(market::free_balance(&client, dave_id).await? == dave_free, "Dave's balance moved");
	ensure!(market::bonded(&client, dave_id).await? == bond, "Dave's bond moved");
	println!("{} jobs served through the operator key; Dave's bond {bond} untouched", JOBS);
	println!("{:?}", market::audit(&client).await?);
	Ok(())
}
