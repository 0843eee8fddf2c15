//! `infera-load`: measures how many job submissions per second a node accepts and includes, and
//! the inclusion-to-result latency under that load. See [`infera_e2e::load`].
//!
//! ```text
//! infera-load --url ws://127.0.0.1:9944 --model 0 --jobs 2000 --senders 16
//! ```
//!
//! The senders `//Load0`… are funded by `//Alice` first (dev and local chains). Inputs are the
//! held-out digits that `scripts/export_models.py` exports (`$INFER_CACHE/models`).
//! `--no-slashes` first sets the timeout and wrong-result slashes to zero (sudo, dev chains), so
//! that a provider that cannot keep up with the weight-limited maximum is not slashed out of
//! the market halfway through a long run.

use anyhow::{bail, Context, Result};
use infera_e2e::{
	load::{self, LoadConfig},
	market::{Digits, UNIT},
	Client,
};
use std::time::Duration;

fn usage() -> ! {
	eprintln!(
		"usage: infera-load [--url URL] --model ID [--jobs N] [--senders N] [--redundancy R] \
		 [--max-price UNITS] [--connections N] [--timeout SECS] [--no-slashes]"
	);
	std::process::exit(2)
}

/// What the command line asks for besides the load itself.
struct Options {
	/// Set the slashes to zero first (`--no-slashes`, dev chains: `//Alice` is sudo).
	no_slashes: bool,
}

fn parse_args() -> Result<(LoadConfig, Options)> {
	let mut options = Options { no_slashes: false };
	let mut config = LoadConfig {
		url: "ws://127.0.0.1:9944".into(),
		model: u128::MAX,
		inputs: Vec::new(),
		jobs: 1000,
		senders: 16,
		redundancy: 1,
		max_price: UNIT,
		connections: 4,
		timeout: Duration::from_secs(300),
	};
	let mut args = std::env::args().skip(1);
	while let Some(flag) = args.next() {
		let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
		match flag.as_str() {
			"--url" => config.url = value()?,
			"--model" => config.model = value()?.parse()?,
			"--jobs" => config.jobs = value()?.parse()?,
			"--senders" => config.senders = value()?.parse()?,
			"--redundancy" => config.redundancy = value()?.parse()?,
			"--max-price" => config.max_price = value()?.parse()?,
			"--connections" => config.connections = value()?.parse()?,
			"--timeout" => config.timeout = Duration::from_secs(value()?.parse()?),
			"--no-slashes" => options.no_slashes = true,
			"-h" | "--help" => usage(),
			other => bail!("unknown argument {other}"),
		}
	}
	if config.model == u128::MAX {
		usage();
	}
	Ok((config, options))
}

#[tokio::main]
async fn main() -> Result<()> {
	let (mut config, options) = parse_args()?;
	config.inputs = Digits::load()?.inputs;
	let client = Client::from_insecure_url(&config.url)
		.await
		.with_context(|| format!("connecting to {}", config.url))?;
	if options.no_slashes {
		eprintln!("infera-load: setting the slashes to zero (sudo)");
		load::disable_slashes(&client).await?;
	}
	let senders = load::senders(config.senders)?;
	let per_sender = (config.jobs / config.senders + 1) as u128;
	eprintln!("infera-load: funding {} senders", senders.len());
	load::fund_senders(&client, &senders, per_sender * config.max_price + 100 * UNIT).await?;
	eprintln!("infera-load: signing and sending {} jobs", config.jobs);
	let report = load::run(&client, &config, &senders).await?;
	println!("{report}");
	Ok(())
}
