//! `infera`: command-line client of the Infera marketplace. Parses the command line, runs it
//! through the library ([`infera_client::cli::execute`]) and prints the result.

use clap::Parser;
use infera_client::cli::{execute, Cli};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let json = cli.json;
	match execute(&cli, |line| println!("{line}")).await {
		Ok(out) => {
			if json {
				println!("{}", out.json);
			} else {
				println!("{}", out.text);
			}
			ExitCode::SUCCESS
		}
		Err(e) => {
			if json {
				println!("{}", serde_json::json!({ "error": format!("{e:#}") }));
			}
			eprintln!("error: {e:#}");
			ExitCode::FAILURE
		}
	}
}
